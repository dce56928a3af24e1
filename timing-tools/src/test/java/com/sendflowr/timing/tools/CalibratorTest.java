package com.sendflowr.timing.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.CalibratedModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibratorTest {
  private static final Instant UNTIL = Instant.parse("2026-03-02T00:00:00Z");
  private static final Calibrator.Options OPTIONS = Calibrator.Options.defaults().withFolds(4);

  record Event(String who, SignalType type, long at) {}

  /**
   * {@code n} recipients, each with a daily habit at an individual minute (weekdays), for {@code
   * weeks} weeks before UNTIL; with {@code changedWeeksAgo > 0} the habit moved by six hours that
   * many weeks before UNTIL (a change of routine).
   */
  static List<Event> world(long seed, int n, int weeks, int changedWeeksAgo) {
    Random rnd = new Random(seed);
    List<Event> out = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      int habit = 360 + rnd.nextInt(720);
      for (int w = weeks; w >= 1; w--) {
        int shift = w <= changedWeeksAgo ? 360 : 0;
        Instant week = UNTIL.minus(Duration.ofDays(7L * w));
        for (int d = 0; d < 5; d++) {
          if (rnd.nextDouble() < 0.6) {
            long minute = d * 1440L + habit + shift + Math.round(rnd.nextGaussian() * 40);
            out.add(new Event("r" + r, SignalType.CLICK, week.getEpochSecond() + minute * 60));
          }
        }
      }
    }
    return out;
  }

  static SignalHistory history(List<Event> events) {
    SignalHistory.Builder b = new SignalHistory.Builder();
    for (Event e : events) {
      b.add(e.who(), e.type(), e.at() * 1000);
    }
    return b.build();
  }

  @Test
  void neverReadsEventsAtOrAfterTheCutoff() {
    List<Event> past = world(1, 40, 16, 0);
    List<Event> withFuture = new ArrayList<>(past);
    Random rnd = new Random(9);
    // The future of the same recipients (at unrelated times) and recipients only seen later.
    for (int i = 0; i < 2_000; i++) {
      String who = i % 2 == 0 ? "r" + rnd.nextInt(40) : "late" + rnd.nextInt(30);
      withFuture.add(
          new Event(who, SignalType.CLICK, UNTIL.getEpochSecond() + rnd.nextInt(30 * 86_400)));
    }
    withFuture.add(new Event("r0", SignalType.CLICK, UNTIL.getEpochSecond()));
    CalibratedModel a = Calibrator.calibrate(history(past), UNTIL, OPTIONS);
    CalibratedModel b = Calibrator.calibrate(history(withFuture), UNTIL, OPTIONS);
    assertThat(b.toJson()).isEqualTo(a.toJson());
    assertThat(a.samples()).isEqualTo(40);
    assertThat(a.evidence()).extracting(CalibratedModel.Evidence::parameter).contains("half_life");

    SignalHistory cut = history(withFuture).before(UNTIL);
    for (int r = 0; r < cut.recipients(); r++) {
      for (long t : cut.times(r)) {
        assertThat(t).isLessThan(UNTIL.toEpochMilli());
      }
    }
    assertThat(cut.recipients()).isEqualTo(40);
  }

  @Test
  void theSameInputGivesTheSameConfigurationWhateverItsOrder() {
    List<Event> events = world(2, 50, 12, 0);
    CalibratedModel a = Calibrator.calibrate(history(events), UNTIL, OPTIONS.withSample(30));
    List<Event> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(3));
    CalibratedModel b = Calibrator.calibrate(history(shuffled), UNTIL, OPTIONS.withSample(30));
    CalibratedModel c = Calibrator.calibrate(history(events), UNTIL, OPTIONS.withSample(30));
    assertThat(b.toJson()).isEqualTo(a.toJson());
    assertThat(c.toJson()).isEqualTo(a.toJson());
    assertThat(a.samples()).isEqualTo(30);
  }

  @Test
  void followsTheDataStableRoutinesGetALongerMemoryThanChangingOnes() {
    CalibratedModel stable = Calibrator.calibrate(history(world(4, 60, 30, 0)), UNTIL, OPTIONS);
    CalibratedModel changing = Calibrator.calibrate(history(world(4, 60, 30, 5)), UNTIL, OPTIONS);
    assertThat(stable.config().halfLife()).isGreaterThan(changing.config().halfLife());
  }

  @Test
  void withoutHistoryBeforeTheFoldsItKeepsTheStartConfiguration() {
    List<Event> one = List.of(new Event("a", SignalType.CLICK, UNTIL.getEpochSecond() - 3600));
    CalibratedModel m = Calibrator.calibrate(history(one), UNTIL, OPTIONS);
    assertThat(m.config()).isEqualTo(OPTIONS.start());
    assertThat(m.evidence()).isEmpty();
  }
}
