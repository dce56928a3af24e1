package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimingEngineTest {
  /**
   * Four cohorts (20 prior members are too few for the default 64), so the properties cover them.
   */
  private static final ModelConfig CFG = ModelConfig.defaults().withCohorts(4);

  private static final Instant NOW = Fixtures.at(8, 0);

  private static TimingEngine engine(Random rnd) {
    return engine(rnd, CFG);
  }

  private static TimingEngine engine(Random rnd, ModelConfig config) {
    PopulationPrior.Builder b = PopulationPrior.builder(config);
    for (int i = 0; i < 20; i++) {
      b.add(Fixtures.dailyHabit(rnd, 8 * 60 + rnd.nextInt(600), 6, 40));
    }
    return new TimingEngine(config, b.build());
  }

  private static DecisionRequest randomRequest(Random rnd, int i) {
    Instant nb = NOW.plusSeconds(rnd.nextInt(3 * 86_400) - 86_400);
    Instant na = nb.plusSeconds(rnd.nextInt(10 * 86_400));
    RecipientState s = rnd.nextInt(5) == 0 ? null : Fixtures.random(rnd);
    LatencyModel latency =
        at ->
            LatencyEstimate.fixed(Duration.ofSeconds(30 + (at.getEpochSecond() / 3600) % 300), "");
    FallbackPolicy fb = FallbackPolicy.values()[rnd.nextInt(3)];
    return new DecisionRequest(
        "r-" + i,
        "promo",
        NOW,
        nb,
        na,
        s,
        ContextWeightsTest.randomContext(rnd, NOW),
        latency,
        new IntentPolicy("promo", rnd.nextDouble() * 0.6, fb));
  }

  @Test
  void policyReasonsWriteThreeDecimalsExactlyAsTheFormatterDoesInAnEnglishLocale() {
    Random rnd = new Random(11);
    List<Double> xs = new ArrayList<>(List.of(0.0, 1.0, 0.0005, 0.0015, 0.1235, 0.9995));
    for (int i = 0; i < 20_000; i++) {
      xs.add(rnd.nextDouble());
      xs.add(Math.round(rnd.nextDouble() * 10_000) / 10_000.0); // ties at the fourth decimal
    }
    for (double x : xs) {
      assertThat(TimingEngine.threeDecimals(x))
          .as("%s", x)
          .isEqualTo(String.format(Locale.ROOT, "%.3f", x));
    }
  }

  @Test
  void decisionNeverFallsOutsideItsWindowAndTriggerIsTargetMinusLatency() {
    Random rnd = new Random(30);
    TimingEngine engine = engine(rnd);
    int scheduled = 0;
    for (int i = 0; i < 2000; i++) {
      DecisionRequest r = randomRequest(rnd, i);
      TimingChoice c = engine.decide(r);
      if (!c.scheduled()) {
        assertThat(c.target()).isNull();
        continue;
      }
      scheduled++;
      assertThat(c.target()).isBetween(r.notBefore(), r.notAfter());
      assertThat(c.target()).isAfterOrEqualTo(r.now());
      assertThat(r.context().suppressedAt(c.target().getEpochSecond())).isFalse();
      assertThat(c.targetMinute()).isEqualTo(com.sendflowr.contract.MinuteOfWeek.of(c.target()));
      if (!c.explanation().triggerClampedToNow()) {
        assertThat(c.trigger()).isEqualTo(c.target().minus(c.latency().value()));
      }
      assertThat(c.trigger()).isAfterOrEqualTo(r.now());
      assertThat(c.confidenceScore()).isBetween(0.0, 1.0);
    }
    assertThat(scheduled).isGreaterThan(1000);
  }

  @Test
  void sameInputGivesTheSameDecision() {
    Random rnd = new Random(31);
    TimingEngine engine = engine(rnd);
    for (int i = 0; i < 300; i++) {
      long seed = rnd.nextLong();
      TimingChoice a = engine.decide(randomRequest(new Random(seed), i));
      TimingChoice b = engine.decide(randomRequest(new Random(seed), i));
      assertThat(b).isEqualTo(a);
    }
  }

  @Test
  void choosesTheRecipientsHabitualMinute() {
    Random rnd = new Random(32);
    // Without the response lead the best arrival is the activity peak itself.
    TimingEngine engine = engine(rnd, CFG.withResponseLeadMinutes(0));
    int habit = 19 * 60 + 43;
    RecipientState s = Fixtures.dailyHabit(rnd, habit, 8, 8);
    TimingChoice c =
        engine.decide(
            DecisionRequest.of("alice", "promo", NOW, NOW, NOW.plus(Duration.ofDays(1)), s));
    assertThat(c.scheduled()).isTrue();
    assertThat(c.fallback()).isFalse();
    assertThat(c.explanation().policy()).isEqualTo("personal");
    int minuteOfDay = c.targetMinute() % 1440;
    assertThat(minuteOfDay).isBetween(habit - 20, habit + 20);
    assertThat(Math.abs(c.explanation().best().minuteOfWeek() % 1440 - habit)).isLessThan(8);
    assertThat(c.explanation().best().baseLift()).isEqualTo(c.explanation().best().activityLift());

    // The explanation carries the scored curve by hour of the week: a lift over a flat week
    // (averaging 1), highest in the habit's hour on some day.
    java.util.List<Double> curve = c.explanation().weeklyCurve();
    assertThat(curve).hasSize(168);
    assertThat(curve.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
        .isCloseTo(1.0, within(0.05));
    int peakHour = 0;
    for (int h = 1; h < 168; h++) {
      if (curve.get(h) > curve.get(peakHour)) {
        peakHour = h;
      }
    }
    assertThat(peakHour % 24).isEqualTo(habit / 60);
    assertThat(c.explanation().toMap()).containsKey("weekly_curve");
  }

  @Test
  void arrivesAheadOfTheHabitByTheResponseLead() {
    // A message waits in the inbox for the next look: with an attention time of 20 minutes the
    // best arrival is before the habitual minute, and the explanation shows both curves there.
    Random rnd = new Random(32);
    ModelConfig cfg = CFG.withResponseLeadMinutes(20);
    TimingEngine engine = engine(rnd, cfg);
    int habit = 19 * 60 + 43;
    RecipientState s = Fixtures.dailyHabit(rnd, habit, 8, 8);
    TimingChoice c =
        engine.decide(
            DecisionRequest.of("alice", "promo", NOW, NOW, NOW.plus(Duration.ofDays(1)), s));
    assertThat(c.explanation().policy()).isEqualTo("personal");
    ScoredMinute best = c.explanation().best();
    int lead = habit - best.minuteOfWeek() % 1440;
    assertThat(lead).isBetween(8, 30);
    assertThat(c.explanation().inputs().responseLeadMinutes()).isEqualTo(20.0);
    // The response score there is the lead-adjusted curve, reproducible from the inputs.
    EngagementCurve activity = engine.curveAt(s, NOW);
    assertThat(best.activityLift()).isCloseTo(activity.lift(best.minuteOfWeek()), within(1e-9));
    assertThat(best.baseLift())
        .isCloseTo(activity.leadAdjusted(20).lift(best.minuteOfWeek()), within(1e-9));
    assertThat(best.activityLift()).isLessThan(activity.lift(habit));
    assertThat(c.explanation().toMap().toString()).contains("response_lead_minutes=20.0");
  }

  @Test
  void wholeWindowSuppressedSaysSoInsteadOfSending() {
    Random rnd = new Random(33);
    TimingEngine engine = engine(rnd);
    ContextWeights ctx =
        ContextWeights.none().apply("ticket_opened", NOW.minusSeconds(3600), CFG.context());
    DecisionRequest r =
        DecisionRequest.of(
                "bob", "promo", NOW, NOW, NOW.plus(Duration.ofHours(24)), Fixtures.random(rnd))
            .withContext(ctx);
    TimingChoice c = engine.decide(r);
    assertThat(c.outcome()).isEqualTo(DecisionOutcome.SUPPRESSED);
    assertThat(c.explanation().suppressedUntil())
        .isEqualTo(NOW.minusSeconds(3600).plus(Duration.ofHours(48)));
    assertThat(c.explanation().toMap()).containsEntry("outcome", "suppressed");

    // A longer window: the decision lands after the breaker ends.
    TimingChoice later = engine.decide(r.withContext(ctx).withPolicy(IntentPolicy.defaults("p")));
    assertThat(later.outcome()).isEqualTo(DecisionOutcome.SUPPRESSED);
    DecisionRequest wide =
        DecisionRequest.of(
                "bob", "promo", NOW, NOW, NOW.plus(Duration.ofDays(4)), Fixtures.random(rnd))
            .withContext(ctx);
    TimingChoice w = engine.decide(wide);
    assertThat(w.scheduled()).isTrue();
    assertThat(w.target()).isAfterOrEqualTo(NOW.minusSeconds(3600).plus(Duration.ofHours(48)));
    assertThat(w.explanation().breakersInWindow()).hasSize(1);
  }

  @Test
  void hotPathPullsTheDecisionTowardTheNextMinutes() {
    TimingEngine flat = new TimingEngine(CFG, null);
    Instant visit = NOW.plus(Duration.ofHours(10));
    ContextWeights ctx = ContextWeights.none().apply("site_visit", visit, CFG.context());
    DecisionRequest r =
        DecisionRequest.of("carol", "promo", visit, visit, visit.plus(Duration.ofHours(12)), null)
            .withContext(ctx);
    TimingChoice with = flat.decide(r);
    assertThat(Duration.between(visit, with.target())).isLessThan(Duration.ofMinutes(3));
    assertThat(with.explanation().appliedWeights()).hasSize(1);
    assertThat(with.explanation().appliedWeights().get(0).signal()).isEqualTo("site_visit");
    assertThat(with.explanation().chosen().contextFactor()).isGreaterThan(2.5);

    // With a personal curve the boost competes with the habit: P_final = P_base * (1 + w).
    Random rnd = new Random(34);
    // A weak population prior: this test reads the runner-up slots, and the peaks of a strong
    // prior (or of cohorts) would compete for them with the boosted minute.
    TimingEngine engine = engine(rnd, CFG.withCohorts(0).withPriorStrength(3));
    RecipientState s = Fixtures.dailyHabit(rnd, 20 * 60, 8, 20);
    DecisionRequest personal =
        DecisionRequest.of("carol", "promo", visit, visit, visit.plus(Duration.ofHours(12)), s);
    TimingChoice habit = engine.decide(personal);
    TimingChoice boosted = engine.decide(personal.withContext(ctx));
    ScoredMinute visitMinute =
        boosted.explanation().runnersUp().stream()
            .filter(m -> m.instant().isBefore(visit.plus(Duration.ofMinutes(30))))
            .findFirst()
            .orElse(boosted.explanation().chosen());
    assertThat(visitMinute.contextFactor()).isGreaterThan(1.0);
    assertThat(habit.explanation().appliedWeights()).isEmpty();
  }

  @Test
  void latencyIsCompensatedWithTheEstimateForTheTriggerTime() {
    Random rnd = new Random(35);
    TimingEngine engine = engine(rnd);
    LatencyTracker tracker = new LatencyTracker(Duration.ofSeconds(60), 0.2, 3);
    for (int h = 0; h < 24; h++) {
      for (int i = 0; i < 5; i++) {
        Instant d = NOW.plus(Duration.ofHours(h));
        tracker.observe(d, d.plusSeconds(h < 12 ? 30 : 600));
      }
    }
    RecipientState s = Fixtures.dailyHabit(rnd, 18 * 60, 8, 10);
    TimingChoice c =
        engine.decide(
            DecisionRequest.of("dave", "p", NOW, NOW, NOW.plus(Duration.ofDays(1)), s)
                .withLatency(tracker));
    assertThat(c.latency().source()).isEqualTo(LatencyEstimate.Source.LEARNED_HOURLY);
    assertThat(c.latency().value()).isEqualTo(Duration.ofSeconds(600));
    assertThat(c.trigger()).isEqualTo(c.target().minusSeconds(600));
    assertThat(c.explanation().latency()).isEqualTo(c.latency());
  }

  @Test
  void unreachableWindowIsAnOutcome() {
    TimingEngine engine = new TimingEngine(CFG, null);
    TimingChoice c =
        engine.decide(
            DecisionRequest.of("erin", "p", NOW, NOW.minusSeconds(600), NOW.minusSeconds(1), null));
    assertThat(c.outcome()).isEqualTo(DecisionOutcome.WINDOW_UNREACHABLE);
  }

  @Test
  void lowConfidenceUsesTheIntentsFallbackAndLabelsIt() {
    Random rnd = new Random(36);
    TimingEngine engine = engine(rnd);
    RecipientState sparse = new RecipientState();
    sparse.update(1.0, NOW.minus(Duration.ofDays(3)), CFG.halfLife());
    DecisionRequest r =
        DecisionRequest.of("frank", "promo", NOW, NOW, NOW.plus(Duration.ofDays(7)), sparse)
            .withPolicy(new IntentPolicy("promo", 0.9, FallbackPolicy.HOURLY_PROJECTION));
    TimingChoice c = engine.decide(r);
    assertThat(c.fallback()).isTrue();
    assertThat(c.explanation().policy()).isEqualTo("fallback:hourly_projection");
    assertThat(c.explanation().policyReason()).contains("< threshold 0.900");
    TimingChoice start =
        engine.decide(r.withPolicy(new IntentPolicy("promo", 0.9, FallbackPolicy.WINDOW_START)));
    assertThat(Duration.between(NOW, start.target()))
        .isLessThanOrEqualTo(Duration.ofMinutes(CFG.spreadRadiusMinutes() + 1));
    TimingChoice noHistory =
        engine.decide(
            DecisionRequest.of("new", "promo", NOW, NOW, NOW.plus(Duration.ofDays(7)), null));
    assertThat(noHistory.scheduled()).isTrue();
    assertThat(noHistory.confidenceScore()).isZero();
    assertThat(noHistory.explanation().inputs().hasHistory()).isFalse();
  }

  @Test
  void recipientsSharingAPeakAreSpreadDeterministicallyOverNearOptimalMinutes() {
    Random rnd = new Random(37);
    TimingEngine engine = engine(rnd);
    RecipientState shared = Fixtures.dailyHabit(rnd, 12 * 60, 8, 15);
    Set<Instant> targets = new HashSet<>();
    Set<Integer> minutes = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      DecisionRequest r =
          DecisionRequest.of("user-" + i, "p", NOW, NOW, NOW.plus(Duration.ofDays(1)), shared);
      TimingChoice c = engine.decide(r);
      ShadowSpread sp = c.explanation().spread();
      assertThat(c.explanation().chosen().score())
          .isGreaterThanOrEqualTo((1 - sp.tolerance() - 1e-3) * c.explanation().best().score());
      assertThat(Math.abs(sp.offsetMinutes())).isLessThanOrEqualTo(CFG.spreadRadiusMinutes());
      targets.add(c.target());
      minutes.add(c.targetMinute());
      assertThat(engine.decide(r).target()).isEqualTo(c.target());
    }
    assertThat(minutes.size()).isGreaterThan(5);
    assertThat(targets.size()).isGreaterThan(200);
  }

  @Test
  void explanationListsRunnersUpWithScores() {
    Random rnd = new Random(38);
    TimingEngine engine = engine(rnd);
    RecipientState s = Fixtures.dailyHabit(rnd, 7 * 60, 8, 20);
    TimingChoice c =
        engine.decide(DecisionRequest.of("gina", "p", NOW, NOW, NOW.plus(Duration.ofDays(7)), s));
    Explanation e = c.explanation();
    assertThat(e.runnersUp()).hasSize(CFG.runnersUp());
    for (ScoredMinute ru : e.runnersUp()) {
      assertThat(ru.score()).isLessThanOrEqualTo(e.best().score());
    }
    assertThat(e.toMap())
        .containsKeys(
            "inputs",
            "base_curve_peak_minute",
            "runners_up",
            "latency",
            "confidence",
            "suppression",
            "shadow_spread",
            "applied_weights");
    assertThat(e.modelVersion()).isEqualTo(ModelConfig.MODEL_VERSION);
  }
}
