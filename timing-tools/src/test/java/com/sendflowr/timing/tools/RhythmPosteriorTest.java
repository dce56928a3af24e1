package com.sendflowr.timing.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RhythmPosteriorTest {

  private static final double RESPONSE_MINUTES = 20;

  private static SimulatedRhythm rhythm(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return SimulatedRhythm.draw(r, SimulatedRhythm.drawTimeZone(r), 0.1);
  }

  /** Session starts drawn from the rhythm, as the simulator draws them. */
  private static double[] sessions(SimulatedRhythm rhythm, int count, long seed) {
    double[] cumulative = SimulatedRhythm.cumulative(rhythm.density());
    SplittableRandom r = new SplittableRandom(seed);
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = SimulatedRhythm.sampleMinute(r, cumulative);
    }
    return out;
  }

  /** Share of the uplift from a random minute to the best one that a pick captures. */
  private static double captured(SimulatedRhythm truth, int minute) {
    double[] attention = SimulatedRhythm.attention(truth.density(), RESPONSE_MINUTES);
    double mean = Arrays.stream(attention).average().orElseThrow();
    double max = Arrays.stream(attention).max().orElseThrow();
    return (attention[minute] - mean) / (max - mean);
  }

  @Test
  void theGridAndTheExactTimeDensityAgreeAndAreNormalised() {
    for (long seed = 1; seed <= 20; seed++) {
      SimulatedRhythm x = rhythm(seed);
      double[] grid = x.density();
      assertThat(Arrays.stream(grid).sum()).isCloseTo(1.0, within(1e-9));
      for (int m = 0; m < grid.length; m += 37) {
        assertThat(x.densityAt(m)).isCloseTo(grid[m], within(1e-3 * grid[m]));
      }
      // A function of the minute of the week: the next week repeats it.
      assertThat(x.densityAt(SimulatedRhythm.WEEK + 123.4))
          .isCloseTo(x.densityAt(123.4), within(1e-12));
    }
  }

  @Test
  void thePriorIsTheSimulatorsDraw() {
    for (long seed = 1; seed <= 200; seed++) {
      assertThat(RhythmPosterior.logPrior(rhythm(seed))).isFinite();
    }
    SimulatedRhythm x = rhythm(3);
    SimulatedRhythm noonless =
        new SimulatedRhythm(
            x.timeZoneIndex,
            new double[] {3 * 60.0},
            new double[] {30},
            new double[] {0.5},
            x.weekendLevel,
            x.weekendShift,
            x.dayDeviate,
            x.dayNoise);
    // 03:00 local is no anchor's neighbourhood: impossible under the simulator's family.
    assertThat(RhythmPosterior.logPrior(noonless)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(RhythmPosterior.centreLogPrior(7.5 * 60 + 89)).isFinite();
    assertThat(RhythmPosterior.centreLogPrior(7.5 * 60 + 91)).isInfinite();
  }

  @Test
  void withAWealthOfSessionsThePosteriorFindsTheTrueBestMinute() {
    for (long seed = 1; seed <= 5; seed++) {
      SimulatedRhythm truth = rhythm(seed);
      double[] expected =
          new RhythmPosterior(sessions(truth, 400, seed), 0.1, RESPONSE_MINUTES, seed)
              .expectedResponse(20_000, 100);
      int pick = RhythmPosterior.bestOffset(expected, 0, SimulatedRhythm.WEEK);
      assertThat(captured(truth, pick)).as("seed %d", seed).isGreaterThan(0.85);
    }
  }

  @Test
  void withFewSessionsItHedgesAndWithNoneItIsThePrior() {
    SimulatedRhythm truth = rhythm(11);
    double[] few =
        new RhythmPosterior(sessions(truth, 3, 11), 0.1, RESPONSE_MINUTES, 5)
            .expectedResponse(4_000, 100);
    double[] none =
        new RhythmPosterior(new double[0], 0.1, RESPONSE_MINUTES, 5).expectedResponse(4_000, 100);
    for (double[] curve : new double[][] {few, none}) {
      assertThat(curve).hasSize(SimulatedRhythm.WEEK);
      assertThat(Arrays.stream(curve).allMatch(v -> v > 0 && v <= 1)).isTrue();
    }
    // An average over many different routines is flatter than any one of them.
    assertThat(Arrays.stream(none).max().orElseThrow()).isLessThan(0.9);
  }

  @Test
  void withoutDataTheChainsSampleThePrior() {
    // With no likelihood the chains must reproduce the simulator's draw; a wrong Hastings term in
    // the birth/death, centre or time-zone moves shows as a skewed peak count, time zone or shape.
    int n = 200_000;
    double[] peakCounts = new double[4];
    double[] zones = new double[SimulatedRhythm.TIME_ZONES.length];
    double[] sums = new double[4]; // sigma, weight, weekend level, weekend shift
    long[] peaks = {0};
    new RhythmPosterior(new double[0], 0.1, RESPONSE_MINUTES, 3)
        .sample(
            2_000_000,
            n,
            x -> {
              peakCounts[x.peaks()]++;
              zones[x.timeZoneIndex]++;
              for (int p = 0; p < x.peaks(); p++) {
                sums[0] += x.sigma[p];
                sums[1] += x.weight[p];
                peaks[0]++;
              }
              sums[2] += x.weekendLevel;
              sums[3] += x.weekendShift;
            });
    double drawn = Arrays.stream(peakCounts).sum();
    double[] countWeights = SimulatedRhythm.PEAK_COUNT_WEIGHTS;
    double countTotal = Arrays.stream(countWeights).sum();
    for (int k = 1; k <= 3; k++) {
      assertThat(peakCounts[k] / drawn).isCloseTo(countWeights[k - 1] / countTotal, within(0.02));
    }
    double zoneTotal = Arrays.stream(SimulatedRhythm.TIME_ZONE_WEIGHTS).sum();
    for (int z = 0; z < zones.length; z++) {
      assertThat(zones[z] / drawn)
          .as("time zone %d", z)
          .isCloseTo(SimulatedRhythm.TIME_ZONE_WEIGHTS[z] / zoneTotal, within(0.015));
    }
    assertThat(sums[0] / peaks[0]).isCloseTo(37.5, within(1.0));
    assertThat(sums[1] / peaks[0]).isCloseTo(0.65, within(0.015));
    assertThat(sums[2] / drawn).isCloseTo(0.9, within(0.02));
    assertThat(sums[3] / drawn).isCloseTo(90, within(3.0));
  }

  @Test
  void theSameSeedGivesTheSameAnswer() {
    double[] s = sessions(rhythm(7), 30, 7);
    assertThat(new RhythmPosterior(s, 0.1, RESPONSE_MINUTES, 99).expectedResponse(2_000, 40))
        .isEqualTo(new RhythmPosterior(s, 0.1, RESPONSE_MINUTES, 99).expectedResponse(2_000, 40));
  }

  @Test
  void theBestOffsetWrapsAroundTheWeek() {
    double[] weekly = new double[SimulatedRhythm.WEEK];
    weekly[5] = 1;
    assertThat(RhythmPosterior.bestOffset(weekly, SimulatedRhythm.WEEK - 10, 100)).isEqualTo(15);
  }
}
