package com.sendflowr.timing.tools;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Arrays;

/**
 * The backtest's scores for one policy: hit rates within +-30/60/120 minutes of the chosen instant,
 * median distance to the nearest evaluation event, and the mean information gain of the evaluation
 * events under the policy's curve.
 */
final class PolicyMetrics {
  private long recipients;
  private long hit30;
  private long hit60;
  private long hit120;
  private float[] distances = new float[1024];
  private double logLiftSum;
  private long logLiftEvents;

  /** One recipient: the chosen instant and the epoch seconds of its evaluation events. */
  void addChoice(Instant chosen, long[] eventEpochSeconds, int count) {
    addDistance(nearestMinutes(chosen, eventEpochSeconds, count));
  }

  /** Minutes from the chosen instant to the nearest evaluation event. */
  static float nearestMinutes(Instant chosen, long[] eventEpochSeconds, int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("a recipient is evaluated only with evaluation events");
    }
    long c = chosen.getEpochSecond();
    long nearest = Long.MAX_VALUE;
    for (int i = 0; i < count; i++) {
      nearest = Math.min(nearest, Math.abs(eventEpochSeconds[i] - c));
    }
    return nearest / 60f;
  }

  /** One recipient-window, by its distance in minutes to the nearest evaluation event. */
  void addDistance(float minutes) {
    if (minutes <= 30) {
      hit30++;
    }
    if (minutes <= 60) {
      hit60++;
    }
    if (minutes <= 120) {
      hit120++;
    }
    if (recipients == distances.length) {
      distances = Arrays.copyOf(distances, distances.length * 2);
    }
    distances[(int) recipients] = minutes;
    recipients++;
  }

  /** The summed log-lift of {@code events} evaluation events. */
  void addLogLiftSum(double bits, long events) {
    logLiftSum += bits;
    logLiftEvents += events;
  }

  long events() {
    return logLiftEvents;
  }

  /** One evaluation event's log2(p(minute) * 10080) under the policy's curve. */
  void addLogLift(double bits) {
    logLiftSum += bits;
    logLiftEvents++;
  }

  long recipients() {
    return recipients;
  }

  double hitRate(int minutes) {
    long h =
        switch (minutes) {
          case 30 -> hit30;
          case 60 -> hit60;
          case 120 -> hit120;
          default -> throw new IllegalArgumentException("no hit rate for " + minutes);
        };
    return recipients == 0 ? 0 : (double) h / recipients;
  }

  double medianMinutes() {
    if (recipients == 0) {
      return Double.NaN;
    }
    float[] d = Arrays.copyOf(distances, (int) recipients);
    Arrays.sort(d);
    int n = d.length;
    return n % 2 == 1 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2.0;
  }

  double logLikelihoodGainBits() {
    return logLiftEvents == 0 ? 0 : logLiftSum / logLiftEvents;
  }

  /** The single-cutoff report of one policy. */
  record Report(
      @JsonProperty("hit_rate_30m") double hitRate30m,
      @JsonProperty("hit_rate_60m") double hitRate60m,
      @JsonProperty("hit_rate_120m") double hitRate120m,
      double medianMinutesToEngagement,
      double logLikelihoodGainBits,
      long recipientsEvaluated,
      long evaluationEvents)
      implements Backtest.PolicyScores {}

  Report report() {
    return new Report(
        round(hitRate(30)),
        round(hitRate(60)),
        round(hitRate(120)),
        round(medianMinutes()),
        round(logLikelihoodGainBits()),
        recipients,
        logLiftEvents);
  }

  static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 1e5) / 1e5;
  }
}
