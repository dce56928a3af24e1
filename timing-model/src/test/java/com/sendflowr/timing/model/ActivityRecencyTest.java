package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sendflowr.contract.MinuteOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivityRecencyTest {
  private static final ActivityRecency ON = new ActivityRecency(2, 3);

  @Test
  void decaysFromOnePlusBoostToOneAndIsOneWithoutActivityOrWhenOff() {
    long last = Fixtures.MONDAY.getEpochSecond();
    assertThat(ON.factor(last, last)).isEqualTo(3.0);
    assertThat(ON.factor(last, last + 3 * 86_400)).isCloseTo(1 + 2 / Math.E, within(1e-12));
    assertThat(ON.factor(last, last + 365 * 86_400L)).isCloseTo(1.0, within(1e-12));
    assertThat(ON.factor(Long.MIN_VALUE, last)).isEqualTo(1.0);
    assertThat(ActivityRecency.OFF.factor(last, last)).isEqualTo(1.0);
    assertThatThrownBy(() -> new ActivityRecency(-1, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ActivityRecency(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void windowDensityKeepsTheWindowsMassAndOffIsTheCurveItself() {
    Random rnd = new Random(5);
    RecipientState s = Fixtures.dailyHabit(rnd, 600, 6, 60);
    EngagementCurve curve =
        EngagementCurve.blend(s, s.mass(), null, ModelConfig.defaults().withUniformMix(0.05));
    long from = Fixtures.at(6, 0).getEpochSecond();
    long to = from + 7 * 86_400;
    long last = s.lastActivity().getEpochSecond();
    double norm = ON.windowNorm(curve, last, from, to);
    assertThat(norm).isGreaterThan(1);
    // The window's density, curve x factor / norm, integrates to the curve's mass over the week.
    double integral = 0;
    for (long t = from + 30; t < to; t += 60) {
      double p = curve.density(MinuteOfWeek.fractionalOf(Instant.ofEpochSecond(t)));
      integral += p * ON.factor(last, t) / norm;
    }
    assertThat(integral).isCloseTo(1.0, within(2e-3));
    long event = from + 86_400 + 600 * 60;
    double plain = curve.logLiftBits(MinuteOfWeek.fractionalOf(Instant.ofEpochSecond(event)));
    assertThat(ActivityRecency.OFF.logLiftBits(curve, last, event, 1)).isEqualTo(plain);
    // Early in the window, right after the last activity, the term raises the event's lift.
    assertThat(ON.logLiftBits(curve, last, event, norm)).isGreaterThan(plain);
    assertThat(ON.logLiftBits(curve, last, to - 3600, norm))
        .isLessThan(curve.logLiftBits(MinuteOfWeek.fractionalOf(Instant.ofEpochSecond(to - 3600))));
  }

  @Test
  void aRecentlyActiveRecipientIsSentToEarlyInTheWindow() {
    // Every day looks alike to the weekly curve; only the recency term prefers the first one.
    Random rnd = new Random(6);
    RecipientState s = Fixtures.dailyHabit(rnd, 14 * 60, 8, 20);
    Instant now = Fixtures.at(8, 0);
    DecisionRequest r =
        DecisionRequest.of("bob", "promo", now, now, now.plus(Duration.ofDays(7)), s);
    ModelConfig cfg = ModelConfig.defaults().withCohorts(0).withResponseLeadMinutes(0);
    TimingChoice on = new TimingEngine(cfg.withRecency(ON), null).decide(r);
    assertThat(on.target()).isBefore(now.plus(Duration.ofDays(1)));
    assertThat(on.explanation().chosen().recencyFactor()).isGreaterThan(1);
    assertThat(on.explanation().chosen().score())
        .isCloseTo(
            on.explanation().chosen().baseLift()
                * on.explanation().chosen().contextFactor()
                * on.explanation().chosen().recencyFactor(),
            within(1e-9));
    TimingChoice off = new TimingEngine(cfg, null).decide(r);
    assertThat(off.explanation().chosen().recencyFactor()).isEqualTo(1.0);
    assertThat(new TimingEngine(cfg.withRecency(ON), null).decide(r)).isEqualTo(on);
  }
}
