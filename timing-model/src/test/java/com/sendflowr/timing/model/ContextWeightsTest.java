package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContextWeightsTest {
  private static final ContextRules RULES = ContextRules.defaults();
  private static final Instant T0 = Fixtures.MONDAY;

  static ContextWeights randomContext(Random rnd, Instant around) {
    List<ContextSignal> list = new ArrayList<>();
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      Instant from = around.plusSeconds(rnd.nextInt(7 * 86_400) - 2 * 86_400);
      if (rnd.nextBoolean()) {
        list.add(
            ContextSignal.circuitBreaker(
                "ticket_opened", from, Duration.ofMinutes(1 + rnd.nextInt(4000))));
      } else {
        list.add(
            ContextSignal.hotPath(
                "site_visit",
                from,
                rnd.nextDouble() * 5,
                Duration.ofMinutes(1 + rnd.nextInt(120)),
                Duration.ofHours(1 + rnd.nextInt(12))));
      }
    }
    return ContextWeights.of(list);
  }

  @Test
  void theFactorIsTheProductOfEachSignalsWeightExactlyAtEverySecond() {
    Random rnd = new Random(7);
    for (int c = 0; c < 500; c++) {
      ContextWeights ctx = randomContext(rnd, T0);
      for (int k = 0; k < 50; k++) {
        long t = T0.getEpochSecond() + rnd.nextInt(9 * 86_400) - 3 * 86_400;
        assertThat(ctx.factorAt(t)).isEqualTo(productOfWeights(ctx, t));
      }
      for (ContextSignal s : ctx.signals()) {
        // the edges of each signal, where active and inactive meet
        for (long edge : new long[] {s.from().getEpochSecond(), s.until().getEpochSecond()}) {
          assertThat(ctx.factorAt(edge)).isEqualTo(productOfWeights(ctx, edge));
        }
      }
    }
  }

  /** prod(1 + w_i(t)) from each signal's own weight, 0 inside a breaker. */
  private static double productOfWeights(ContextWeights ctx, long t) {
    double product = 1;
    for (ContextSignal s : ctx.signals()) {
      double w = s.weightAt(t);
      if (w <= -1) {
        return 0;
      }
      product *= 1 + w;
    }
    return product;
  }

  @Test
  void aTypesRuleAppliesToEverySourceAndASourcesOwnRuleOnlyToIt() {
    ContextRules rules =
        ContextRules.none()
            .with(
                "site_visit",
                ContextRules.Rule.hotPath(1.0, Duration.ofMinutes(30), Duration.ofHours(6)))
            .with(
                "site_visit@shopify",
                ContextRules.Rule.hotPath(3.0, Duration.ofMinutes(30), Duration.ofHours(6)))
            .with(
                "sms_click@twilio",
                ContextRules.Rule.hotPath(2.0, Duration.ofMinutes(30), Duration.ofHours(6)));
    assertThat(ContextRules.key("site_visit", "shopify")).isEqualTo("site_visit@shopify");
    assertThat(ContextRules.key("site_visit", null)).isEqualTo("site_visit");
    assertThat(ContextRules.typeOf("site_visit@shopify")).isEqualTo("site_visit");
    assertThat(rules.ruleFor("site_visit@shopify").orElseThrow().amplitude()).isEqualTo(3.0);
    assertThat(rules.ruleFor("site_visit@web").orElseThrow().amplitude()).isEqualTo(1.0);
    assertThat(rules.ruleFor("site_visit").orElseThrow().amplitude()).isEqualTo(1.0);
    assertThat(rules.ruleFor("sms_click@other")).isEmpty();
    assertThat(rules.ruleFor("sms_click")).isEmpty();
    assertThat(rules.toSignal("site_visit@web", T0).orElseThrow().type())
        .isEqualTo("site_visit@web");
  }

  @Test
  void aClearEndsItsTypesBreakersFromEverySource() {
    ContextWeights w =
        ContextWeights.none()
            .apply("ticket_opened@zendesk", T0, RULES)
            .apply("ticket_opened", T0.plusSeconds(60), RULES);
    assertThat(w.suppressedAt(T0.plus(Duration.ofMinutes(5)).getEpochSecond())).isTrue();
    ContextWeights cleared =
        w.apply("ticket_closed@zendesk", T0.plus(Duration.ofMinutes(10)), RULES);
    assertThat(cleared.suppressedAt(T0.plus(Duration.ofMinutes(11)).getEpochSecond())).isFalse();
  }

  @Test
  void circuitBreakerForcesZeroThroughoutItsWindowWhateverElseApplies() {
    Random rnd = new Random(20);
    for (int c = 0; c < 500; c++) {
      ContextWeights ctx = randomContext(rnd, T0);
      Instant from = T0.plusSeconds(rnd.nextInt(86_400));
      ContextWeights withBreaker =
          ctx.with(ContextSignal.circuitBreaker("complaint", from, Duration.ofHours(48)));
      for (int i = 0; i < 50; i++) {
        long t = from.getEpochSecond() + rnd.nextInt(48 * 3600);
        assertThat(withBreaker.factorAt(t)).isZero();
        assertThat(withBreaker.suppressedAt(t)).isTrue();
      }
      assertThat(withBreaker.firstUnsuppressed(from, from.plus(Duration.ofHours(47)))).isNull();
    }
  }

  @Test
  void defaultBreakerLastsFortyEightHours() {
    ContextWeights ctx = ContextWeights.none().apply("ticket_opened", T0, RULES);
    assertThat(ctx.factorAt(T0.getEpochSecond())).isZero();
    assertThat(ctx.factorAt(T0.plus(Duration.ofHours(48)).getEpochSecond() - 1)).isZero();
    assertThat(ctx.factorAt(T0.plus(Duration.ofHours(48)).getEpochSecond())).isEqualTo(1.0);
  }

  @Test
  void ticketClosedEndsTheTicketBreakerEarly() {
    ContextWeights ctx =
        ContextWeights.none()
            .apply("ticket_opened", T0, RULES)
            .apply("complaint", T0, RULES)
            .apply("ticket_closed", T0.plus(Duration.ofHours(2)), RULES);
    long later = T0.plus(Duration.ofHours(3)).getEpochSecond();
    assertThat(ctx.signals()).hasSize(2);
    assertThat(ctx.signals().get(0).until()).isEqualTo(T0.plus(Duration.ofHours(2)));
    assertThat(ctx.factorAt(later)).isZero(); // the complaint still holds
  }

  @Test
  void hotPathRaisesTheNextMinutesAndDecays() {
    ContextWeights ctx = ContextWeights.none().apply("site_visit", T0, RULES);
    long t = T0.getEpochSecond();
    assertThat(ctx.factorAt(t - 60)).isEqualTo(1.0);
    assertThat(ctx.factorAt(t)).isCloseTo(3.0, within(1e-12));
    double prev = ctx.factorAt(t);
    for (int m = 1; m < 400; m++) {
      double f = ctx.factorAt(t + m * 60L);
      assertThat(f).isLessThanOrEqualTo(prev).isGreaterThanOrEqualTo(1.0);
      prev = f;
    }
    assertThat(ctx.factorAt(t + 6 * 3600)).isEqualTo(1.0);
    assertThat(ctx.pruned(T0.plus(Duration.ofHours(6))).isEmpty()).isTrue();
  }

  @Test
  void factorIsTheProductOfOnePlusEachWeight() {
    Random rnd = new Random(21);
    for (int c = 0; c < 200; c++) {
      ContextWeights ctx = randomContext(rnd, T0);
      long t = T0.getEpochSecond() + rnd.nextInt(5 * 86_400);
      double expected = 1;
      for (ContextSignal s : ctx.signals()) {
        expected *= 1 + s.weightAt(t);
      }
      assertThat(ctx.factorAt(t)).isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void unknownTypesHaveNoEffectAndCodecRoundTrips() {
    assertThat(ContextWeights.none().apply("whatever", T0, RULES).isEmpty()).isTrue();
    Random rnd = new Random(22);
    for (int c = 0; c < 100; c++) {
      ContextWeights ctx = randomContext(rnd, T0);
      assertThat(ContextWeights.fromBytes(ctx.toBytes())).isEqualTo(ctx);
    }
  }

  @Test
  void latencyTrackerLearnsPerHourAndSaysWhereTheNumberCameFrom() {
    LatencyTracker t = new LatencyTracker(Duration.ofSeconds(60), 0.1, 5);
    Instant nine = Instant.parse("2026-01-05T09:10:00Z");
    assertThat(t.estimateAt(nine).source()).isEqualTo(LatencyEstimate.Source.CONFIGURED_DEFAULT);
    for (int i = 0; i < 10; i++) {
      t.observe(nine.plusSeconds(i), nine.plusSeconds(i + 300));
    }
    assertThat(t.estimateAt(nine).value()).isEqualTo(Duration.ofSeconds(300));
    assertThat(t.estimateAt(nine).source()).isEqualTo(LatencyEstimate.Source.LEARNED_HOURLY);
    LatencyEstimate other = t.estimateAt(nine.plus(Duration.ofHours(5)));
    assertThat(other.source()).isEqualTo(LatencyEstimate.Source.LEARNED_POOLED);
    LatencyTracker back = LatencyTracker.fromBytes(t.toBytes());
    assertThat(back.estimateAt(nine)).isEqualTo(t.estimateAt(nine));
    t.observe(nine, nine.minusSeconds(5)); // skewed clock: ignored
    assertThat(t.observations()).isEqualTo(10);
  }
}
