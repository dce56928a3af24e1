package com.sendflowr.timing.tools;

import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.TimingChoice;
import com.sendflowr.timing.model.TimingEngine;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The policies the backtest and the simulator compare, in one place so both score exactly the same
 * code. The engine and the prior-only baseline both go through {@link TimingEngine#decide}.
 */
final class Policies {
  static final String ENGINE = "engine";
  static final String UNIFORM_RANDOM = "uniform_random";
  static final String POPULATION_PRIOR = "population_prior";
  static final String HOURLY_HISTOGRAM = "hourly_histogram";
  static final String GLOBAL_BEST_HOUR = "global_best_hour";

  static final List<String> BASELINES =
      List.of(UNIFORM_RANDOM, POPULATION_PRIOR, HOURLY_HISTOGRAM, GLOBAL_BEST_HOUR);
  static final List<String> ALL =
      List.of(ENGINE, UNIFORM_RANDOM, POPULATION_PRIOR, HOURLY_HISTOGRAM, GLOBAL_BEST_HOUR);

  private Policies() {}

  /** A whole minute in [from, to], uniformly, reproducible from the recipient id and a seed. */
  static Instant uniformRandom(String recipientId, long seed, Instant from, Instant to) {
    long first = Math.floorDiv(from.getEpochSecond() + 59, 60L);
    long last = Math.floorDiv(to.getEpochSecond(), 60L);
    if (last < first) {
      return from;
    }
    SplittableRandom r =
        new SplittableRandom(seed ^ (recipientId.hashCode() * 0x9E3779B97F4A7C15L));
    return Instant.ofEpochSecond((first + r.nextLong(last - first + 1)) * 60);
  }

  /** The prior's choice: the engine deciding for a recipient it knows nothing about. */
  static TimingChoice populationPrior(TimingEngine engine, DecisionRequest request) {
    return engine.decide(
        new DecisionRequest(
            request.recipientId(),
            request.intentId(),
            request.now(),
            request.notBefore(),
            request.notAfter(),
            null,
            request.context(),
            request.latency(),
            request.policy()));
  }

  /** Legacy STO: the recipient's own best hour, or the global one without history. */
  static Instant hourlyHistogram(
      HourHistogram recipient, HourHistogram global, Instant from, Instant to) {
    Instant t = recipient == null ? null : recipient.bestHourStart(from, to);
    if (t == null) {
      t = global.bestHourStart(from, to);
    }
    return t == null ? from : t;
  }

  static Instant globalBestHour(HourHistogram global, Instant from, Instant to) {
    Instant t = global.bestHourStart(from, to);
    return t == null ? from : t;
  }
}
