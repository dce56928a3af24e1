package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EngagementCurveTest {
  private static final ModelConfig CFG = ModelConfig.defaults();

  /** A prior with cohorts learned from random recipients, for the curve properties. */
  private static final PopulationPrior COHORTS = PopulationPriorTest.randomCohorts(new Random(9));

  private static EngagementCurve randomCurve(Random rnd) {
    RecipientState s = Fixtures.random(rnd);
    PopulationPrior prior =
        switch (rnd.nextInt(3)) {
          case 0 ->
              PopulationPrior.builder().add(Fixtures.random(rnd)).add(Fixtures.random(rnd)).build();
          case 1 -> COHORTS;
          default -> PopulationPrior.empty();
        };
    ModelConfig cfg =
        CFG.withSmoothingMinutes(25 + rnd.nextDouble() * 200)
            .withPriorStrength(rnd.nextDouble() * 10);
    return EngagementCurve.blend(s, s.mass(), prior, cfg);
  }

  @Test
  void curveIsNormalisedNonNegativeAndPeriodic() {
    Random rnd = new Random(10);
    double[] d = new double[10_080];
    for (int c = 0; c < 60; c++) {
      EngagementCurve curve = randomCurve(rnd);
      curve.densities(0, 10_080, d);
      double sum = 0;
      for (double v : d) {
        assertThat(v).isGreaterThan(0);
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(2e-3));
      for (int i = 0; i < 20; i++) {
        double m = rnd.nextDouble() * 10_080;
        assertThat(curve.density(m + 10_080)).isCloseTo(curve.density(m), within(1e-9));
        assertThat(curve.density(m - 10_080)).isCloseTo(curve.density(m), within(1e-9));
      }
      // Continuous across the week boundary: no jump between Sunday 23:59.999 and Monday 00:00.
      assertThat(curve.density(10_080 - 1e-4)).isCloseTo(curve.density(0), within(1e-7));
    }
  }

  @Test
  void fastPathsAgreeWithDirectEvaluation() {
    Random rnd = new Random(11);
    for (int c = 0; c < 30; c++) {
      EngagementCurve curve = randomCurve(rnd);
      double[] g = curve.grid();
      for (int j = 0; j < EngagementCurve.GRID; j += 37) {
        assertThat(g[j])
            .isCloseTo(curve.density(j * EngagementCurve.GRID_STEP_MINUTES), within(1e-9));
      }
      for (int i = 0; i < 200; i++) {
        double m = rnd.nextDouble() * 30_000 - 10_000;
        // Scan accuracy matters relative to the peak (what decisions compare), not near the floor.
        assertThat(curve.gridDensity(m))
            .isCloseTo(curve.density(m), within(1e-3 * curve.peakLift() / 10_080));
      }
      int first = rnd.nextInt(20_000) - 5_000;
      double[] d = new double[50];
      curve.densities(first, 50, d);
      for (int j = 0; j < 50; j++) {
        assertThat(d[j]).isCloseTo(curve.density(first + j), within(1e-9));
      }
    }
  }

  @Test
  void hourlyProjectionSumsToOneAndMatchesTheCurve() {
    Random rnd = new Random(12);
    double[] d = new double[10_080];
    for (int c = 0; c < 20; c++) {
      EngagementCurve curve = randomCurve(rnd);
      double[] h = curve.hourly();
      assertThat(h).hasSize(168);
      double sum = 0;
      for (double v : h) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-9));
      curve.densities(0, 10_080, d);
      for (int hour = 0; hour < 168; hour += 13) {
        double integral = 0;
        for (int m = 0; m < 60; m++) {
          // Midpoint rule on whole minutes is offset by half a minute; sample at m + 0.5.
          integral += curve.density(hour * 60 + m + 0.5);
        }
        assertThat(h[hour]).isCloseTo(integral, within(2e-4));
      }
    }
  }

  @Test
  void peakFollowsTheRecipientsHabit() {
    Random rnd = new Random(13);
    int habit = 14 * 60 + 37;
    RecipientState s = Fixtures.dailyHabit(rnd, habit, 8, 10);
    EngagementCurve curve = EngagementCurve.blend(s, s.mass(), null, CFG);
    assertThat(curve.peakMinute() % 1440).isBetween(habit - 6, habit + 6);
    assertThat(curve.peakLift()).isGreaterThan(5);
  }

  @Test
  void coldStartGetsThePriorAndWeightShiftsToTheRecipientWithEvidence() {
    Random rnd = new Random(14);
    PopulationPrior prior =
        PopulationPrior.builder().add(Fixtures.dailyHabit(rnd, 9 * 60, 4, 30)).build();
    ModelConfig cfg = CFG.withPriorStrength(3);
    EngagementCurve cold = EngagementCurve.blend(null, 0, prior, cfg);
    EngagementCurve priorCurve = EngagementCurve.ofPrior(prior, cfg);
    assertThat(cold.recipientWeight()).isZero();
    assertThat(cold.density(540)).isEqualTo(priorCurve.density(540));
    assertThat(cold.peakMinute() % 1440).isBetween(9 * 60 - 15, 9 * 60 + 15);

    RecipientState s = new RecipientState();
    double lastWeight = 0;
    for (int i = 0; i < 30; i++) {
      s.update(1.0, Fixtures.at(0, 20 * 60 + i), CFG.halfLife());
      EngagementCurve c = EngagementCurve.blend(s, s.mass(), prior, cfg);
      assertThat(c.recipientWeight()).isGreaterThan(lastWeight);
      lastWeight = c.recipientWeight();
    }
    assertThat(lastWeight).isGreaterThan(0.85);
    assertThat(EngagementCurve.blend(s, s.mass(), prior, cfg).peakMinute() % 1440)
        .isBetween(20 * 60, 20 * 60 + 30);
  }

  @Test
  void noHistoryAndNoPriorIsUniformNotAnError() {
    EngagementCurve c = EngagementCurve.blend(null, 0, PopulationPrior.empty(), CFG);
    assertThat(c.lift(1234.5)).isCloseTo(1.0, within(1e-12));
    assertThat(c.logLiftBits(99)).isCloseTo(0.0, within(1e-12));
    assertThat(EngagementCurve.uniform().hourly()[5]).isCloseTo(1.0 / 168, within(1e-12));
  }

  @Test
  void priorRoundTripsThroughBytes() {
    Random rnd = new Random(15);
    PopulationPrior p =
        PopulationPrior.builder().add(Fixtures.random(rnd)).add(Fixtures.random(rnd)).build();
    PopulationPrior back = PopulationPrior.fromBytes(p.toBytes());
    assertThat(back.members()).isEqualTo(p.members());
    assertThat(EngagementCurve.ofPrior(back, CFG).density(777))
        .isEqualTo(EngagementCurve.ofPrior(p, CFG).density(777));
  }

  @Test
  void leadAdjustedCurveIsTheDiscountedFutureActivityAndStaysNormalisedAndPeriodic() {
    Random rnd = new Random(12);
    double[] d = new double[10_080];
    double[] s = new double[10_080];
    for (int c = 0; c < 20; c++) {
      RecipientState st = Fixtures.dailyHabit(rnd, rnd.nextInt(1440), 6, 20 + rnd.nextInt(60));
      // Wide enough that the activity curve never touches the zero clamp: then S is exactly the
      // discounted future of P and can be checked by brute force.
      EngagementCurve p =
          EngagementCurve.blend(
              st, st.mass(), PopulationPrior.empty(), CFG.withSmoothingMinutes(60));
      double tau = 5 + rnd.nextDouble() * 40;
      EngagementCurve lead = p.leadAdjusted(tau);
      p.densities(0, 10_080, d);
      lead.densities(0, 10_080, s);
      double sum = 0;
      for (double v : s) {
        assertThat(v).isGreaterThan(0);
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(2e-3));
      double peak = p.lift(p.peakMinute()) / 10_080;
      for (int i = 0; i < 15; i++) {
        int m = rnd.nextInt(10_080);
        // integral over s >= 0 of P(m + s) exp(-s / tau) ds / tau, by the midpoint rule
        double acc = 0;
        double step = 0.25;
        for (double x = step / 2; x < 30 * tau; x += step) {
          acc += p.density(m + x) * Math.exp(-x / tau) * step / tau;
        }
        assertThat(lead.density(m)).isCloseTo(acc, within(2e-3 * peak));
        assertThat(lead.density(m + 10_080)).isCloseTo(lead.density(m), within(1e-9));
      }
      // The lead moves the daily peak earlier, never later, by less than a few tau (the weekly peak
      // of a habit that repeats every day can fall on another day).
      int shift = Math.floorMod(p.peakMinute() - lead.peakMinute() + 720, 1440) - 720;
      assertThat(shift).isBetween(0, (int) (3 * tau) + 2);
      assertThat(p.leadAdjusted(0)).isSameAs(p);
    }
  }

  @Test
  void pairedGridsEqualSeparateGrids() {
    Random rnd = new Random(13);
    for (int c = 0; c < 20; c++) {
      EngagementCurve x = randomCurve(rnd);
      EngagementCurve y = randomCurve(rnd).leadAdjusted(rnd.nextDouble() * 60);
      EngagementCurve.computeGrids(x, y);
      for (int j = 0; j < EngagementCurve.GRID; j += 7) {
        double m = j * EngagementCurve.GRID_STEP_MINUTES;
        assertThat(x.grid()[j]).isCloseTo(x.density(m), within(1e-9));
        assertThat(y.grid()[j]).isCloseTo(y.density(m), within(1e-9));
      }
    }
  }
}
