package com.sendflowr.timing.tools;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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
    if (count <= 0) {
      throw new IllegalArgumentException("a recipient is evaluated only with evaluation events");
    }
    long c = chosen.getEpochSecond();
    long nearest = Long.MAX_VALUE;
    for (int i = 0; i < count; i++) {
      nearest = Math.min(nearest, Math.abs(eventEpochSeconds[i] - c));
    }
    if (nearest <= 30 * 60) {
      hit30++;
    }
    if (nearest <= 60 * 60) {
      hit60++;
    }
    if (nearest <= 120 * 60) {
      hit120++;
    }
    if (recipients == distances.length) {
      distances = Arrays.copyOf(distances, distances.length * 2);
    }
    distances[(int) recipients] = nearest / 60f;
    recipients++;
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

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hit_rate_30m", round(hitRate(30)));
    m.put("hit_rate_60m", round(hitRate(60)));
    m.put("hit_rate_120m", round(hitRate(120)));
    m.put("median_minutes_to_engagement", round(medianMinutes()));
    m.put("log_likelihood_gain_bits", round(logLikelihoodGainBits()));
    m.put("recipients_evaluated", recipients);
    m.put("evaluation_events", logLiftEvents);
    return m;
  }

  static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 1e5) / 1e5;
  }
}
