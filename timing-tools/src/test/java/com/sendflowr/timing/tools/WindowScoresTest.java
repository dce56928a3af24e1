package com.sendflowr.timing.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowScoresTest {

  /** Policy 0 hits (10 min) in every window, policy 1 misses (500 min) in every other one. */
  private static WindowScores scores(int recipients, int windowsEach) {
    WindowScores s = new WindowScores(List.of("a", "b"));
    for (int r = 0; r < recipients; r++) {
      for (int c = 0; c < windowsEach; c++) {
        float b = (r + c) % 2 == 0 ? 10f : 500f;
        s.add(new WindowScores.Window(r, c, new float[] {10f, b}, new double[] {2.0, 1.0}, 2));
      }
    }
    return s;
  }

  @Test
  void pooledEstimatesAreRatiosOverAllWindowsAndEvents() {
    WindowScores.Pooled p = scores(40, 5).pool(0, List.of(1), 500, 7);
    WindowScores.PooledPolicy a = p.policies().get("a");
    WindowScores.PooledPolicy b = p.policies().get("b");
    assertThat(a.hitRate60m().estimate()).isEqualTo(1.0);
    assertThat(a.hitRate60m().low()).isEqualTo(1.0);
    assertThat(b.hitRate60m().estimate()).isCloseTo(0.5, within(0.01));
    // Per event: 2 bits over 2 events per window.
    assertThat(a.logLikelihoodGainBits().estimate()).isEqualTo(1.0);
    assertThat(b.logLikelihoodGainBits().estimate()).isEqualTo(0.5);
    assertThat(a.recipientWindows()).isEqualTo(200);
    assertThat(a.evaluationEvents()).isEqualTo(400);
    assertThat(p.recipients()).isEqualTo(40);
    assertThat(p.engineMinusBestBaselineHitRate60m().bestBaseline()).isEqualTo("b");
    WindowScores.Interval d = p.engineMinusBestBaselineHitRate60m().difference();
    assertThat(d.estimate()).isCloseTo(0.5, within(0.01));
    assertThat(d.low()).isGreaterThan(0).isLessThanOrEqualTo(d.estimate());
    assertThat(d.high()).isGreaterThanOrEqualTo(d.estimate());
  }

  @Test
  void theBootstrapIsSeededAndResamplesRecipientsNotWindows() {
    WindowScores.Pooled x = scores(30, 4).pool(0, List.of(1), 300, 11);
    WindowScores.Pooled y = scores(30, 4).pool(0, List.of(1), 300, 11);
    assertThat(x).usingRecursiveComparison().isEqualTo(y);
    // Recipients whose windows alternate hit/miss have a per-recipient rate of exactly 0.5 with
    // an even number of windows each: resampling whole recipients cannot move the pooled rate.
    WindowScores.Interval b = x.policies().get("b").hitRate60m();
    assertThat(b.low()).isEqualTo(0.5);
    assertThat(b.high()).isEqualTo(0.5);
  }
}
