package com.sendflowr.bench;

import com.sendflowr.config.SignalMapping;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The load the timing-job benchmark feeds: engagement histories with a daily habit per recipient, a
 * share of fresh hot-path site visits, and send requests for random recipients. Deterministic for a
 * seed, except for the instants, which follow the wall clock so the job treats them as live.
 */
final class BenchLoad {
  static final String INTENT = "bench_promo";
  static final String HOT_PATH = "site_visit";

  /** Where a request's produce time travels, so its decision tells how long it took. */
  static final String SENT_AT_KEY = "bench_sent_at_ms";

  private static final int HISTORY_DAYS = 56;

  /** Engagement types of the history, most frequent first, with their cumulative shares. */
  private static final String[] TYPES = {
    "click", "open", "app_open", "conversion", "reply", "sms_click", HOT_PATH
  };

  private static final double[] CUMULATIVE = {0.40, 0.65, 0.77, 0.83, 0.88, 0.94, 1.0};

  private final int recipients;
  private final double hotPathShare;
  private final Instant now;
  private final SplittableRandom random;
  private final SplittableRandom requestRandom;

  BenchLoad(int recipients, double hotPathShare, Instant now, long seed) {
    if (recipients < 1) {
      throw new IllegalArgumentException("--recipients must be at least 1");
    }
    if (!(hotPathShare >= 0 && hotPathShare <= 1)) {
      throw new IllegalArgumentException("--hot-path-share must be in [0, 1]");
    }
    this.recipients = recipients;
    this.hotPathShare = hotPathShare;
    this.now = now.truncatedTo(ChronoUnit.MILLIS);
    this.random = new SplittableRandom(seed);
    this.requestRandom = random.split(); // requests are made on another thread
  }

  static String recipient(int index) {
    return "bench-r" + index;
  }

  /**
   * The {@code i}-th signal: the first {@code recipients} signals give every recipient a history,
   * later ones go to random recipients.
   */
  Signal signal(long i) {
    int r = i < recipients ? (int) i : random.nextInt(recipients);
    String id = recipient(r);
    if (random.nextDouble() < hotPathShare) {
      return new Signal("s" + i, HOT_PATH, now, id, Map.of(), "bench", Map.of());
    }
    double u = random.nextDouble();
    int t = 0;
    while (u > CUMULATIVE[t]) {
      t++;
    }
    // A habit per recipient: about the same minute of the day, give or take an hour, on any of
    // the days before today.
    int habitMinute = Math.floorMod(id.hashCode() * 31, 24 * 60);
    long minuteOfDay = Math.floorMod(habitMinute + Math.round(random.nextDouble(-60, 60)), 24 * 60);
    Instant at =
        now.truncatedTo(ChronoUnit.DAYS)
            .minus(Duration.ofDays(HISTORY_DAYS - random.nextInt(HISTORY_DAYS)))
            .plus(Duration.ofMinutes(minuteOfDay));
    return new Signal("s" + i, TYPES[t], at, id, Map.of(), "bench", Map.of());
  }

  /** A request for a random recipient, deciding within the next day. */
  SendRequest request(long seq, long sentAtMillis) {
    Instant sent = Instant.ofEpochMilli(sentAtMillis);
    return new SendRequest(
        "q" + seq,
        recipient(requestRandom.nextInt(recipients)),
        Map.of(),
        INTENT,
        sent,
        sent.plus(Duration.ofHours(24)),
        null,
        Map.of(SENT_AT_KEY, Long.toString(sentAtMillis)));
  }

  /** Site visits are a hot path of the benchmark's intent, as an operator would configure it. */
  ConfigChange hotPathMapping() {
    return new ConfigChange(
        SignalMapping.ENTITY_TYPE,
        HOT_PATH + "." + INTENT,
        1,
        now,
        false,
        Map.of(
            "signal_type",
            HOT_PATH,
            "intent_id",
            INTENT,
            "role",
            "hot_path",
            "weight",
            10.0,
            "decay",
            "PT30M",
            "duration",
            "PT6H"));
  }
}
