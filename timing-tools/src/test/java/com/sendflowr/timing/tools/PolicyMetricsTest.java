package com.sendflowr.timing.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyMetricsTest {
  private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

  private static long at(int minutes) {
    return T.getEpochSecond() + minutes * 60L;
  }

  @Test
  void hitRatesCountRecipientsWithAnEventWithinTheRadius() {
    PolicyMetrics m = new PolicyMetrics();
    m.addChoice(T, new long[] {at(20)}, 1); // 20 min: hit at 30, 60, 120
    m.addChoice(T, new long[] {at(-45), at(500)}, 2); // 45 min: hit at 60, 120
    m.addChoice(T, new long[] {at(90)}, 1); // 90: hit at 120
    m.addChoice(T, new long[] {at(1000)}, 1); // miss
    assertThat(m.hitRate(30)).isEqualTo(0.25);
    assertThat(m.hitRate(60)).isEqualTo(0.5);
    assertThat(m.hitRate(120)).isEqualTo(0.75);
    assertThat(m.medianMinutes()).isEqualTo((45 + 90) / 2.0);
    assertThat(m.recipients()).isEqualTo(4);
  }

  @Test
  void boundaryIsInclusiveAndMedianOfOddCountIsTheMiddle() {
    PolicyMetrics m = new PolicyMetrics();
    m.addChoice(T, new long[] {at(30)}, 1);
    m.addChoice(T, new long[] {at(-60)}, 1);
    m.addChoice(T, new long[] {at(121)}, 1);
    assertThat(m.hitRate(30)).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(m.hitRate(60)).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.hitRate(120)).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.medianMinutes()).isEqualTo(60.0);
  }

  @Test
  void logLikelihoodIsTheMeanOverEvents() {
    PolicyMetrics m = new PolicyMetrics();
    m.addLogLift(1);
    m.addLogLift(2);
    m.addLogLift(-0.5);
    assertThat(m.logLikelihoodGainBits()).isCloseTo(2.5 / 3, within(1e-12));
    assertThat(new PolicyMetrics().logLikelihoodGainBits()).isZero();
  }

  @Test
  void hourHistogramPicksTheBusiestHourInTheWindowAndSmoothsLikelihood() {
    HourHistogram h = new HourHistogram();
    Instant monday = Instant.parse("2026-03-02T00:00:00Z");
    h.add(monday.plusSeconds(9 * 3600 + 600));
    h.add(monday.plusSeconds(9 * 3600 + 1200));
    h.add(monday.plusSeconds(15 * 3600));
    assertThat(h.bestHourStart(monday, monday.plusSeconds(86_399)))
        .isEqualTo(monday.plusSeconds(9 * 3600));
    // Outside the busiest hour's reach the best hour inside the window wins.
    assertThat(h.bestHourStart(monday.plusSeconds(12 * 3600), monday.plusSeconds(86_399)))
        .isEqualTo(monday.plusSeconds(15 * 3600));
    // p(hour 9) = (2 + 1) / (3 + 168), per minute / 60, lift = p * 10080.
    double expected = Math.log((3.0 / 171) / 60 * 10_080) / Math.log(2);
    assertThat(h.logLiftBits(9 * 60 + 5)).isCloseTo(expected, within(1e-12));
    assertThat(new HourHistogram().bestHourStart(monday, monday.plusSeconds(60))).isNull();
  }
}
