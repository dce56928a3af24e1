package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sendflowr.contract.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecipientStateTest {
  private static final Duration HL = Duration.ofDays(14);

  @Test
  void serialisedStateFitsTwoKilobytesWhateverTheHistoryLength() {
    RecipientState s = new RecipientState();
    Random rnd = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      s.update(1.0, Fixtures.MONDAY.plusSeconds(rnd.nextInt(100_000_000)), HL);
    }
    assertThat(s.toBytes().length).isEqualTo(s.serializedSize()).isLessThanOrEqualTo(2048);
    assertThat(new RecipientState().toBytes().length).isEqualTo(s.toBytes().length);
  }

  @Test
  void roundTripsThroughBytes() {
    Random rnd = new Random(2);
    for (int i = 0; i < 200; i++) {
      RecipientState s = Fixtures.random(rnd);
      RecipientState back = RecipientState.fromBytes(s.toBytes());
      assertThat(back).isEqualTo(s);
      assertThat(back.lastUpdate()).isEqualTo(s.lastUpdate());
      assertThat(back.signalCount()).isEqualTo(s.signalCount());
    }
  }

  @Test
  void rejectsUnknownVersionAndTruncatedBytes() {
    byte[] b = new RecipientState().toBytes();
    b[0] = 9;
    assertThatThrownBy(() -> RecipientState.fromBytes(b)).hasMessageContaining("version 9");
    byte[] ok = new RecipientState().toBytes();
    byte[] cut = java.util.Arrays.copyOf(ok, ok.length - 3);
    assertThatThrownBy(() -> RecipientState.fromBytes(cut))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decayIsMonotoneAndHalvesPerHalfLife() {
    Random rnd = new Random(3);
    for (int i = 0; i < 300; i++) {
      RecipientState s = Fixtures.random(rnd);
      if (s.isEmpty()) {
        continue;
      }
      Instant t = s.lastUpdate();
      double prev = s.massAt(t, HL);
      for (int step = 0; step < 20; step++) {
        t = t.plusSeconds(rnd.nextInt(10 * 86_400));
        double m = s.massAt(t, HL);
        assertThat(m).isLessThanOrEqualTo(prev).isGreaterThanOrEqualTo(0);
        prev = m;
      }
    }
    RecipientState one = new RecipientState();
    one.update(1.0, Fixtures.MONDAY, HL);
    assertThat(one.massAt(Fixtures.MONDAY.plus(HL), HL)).isCloseTo(0.5, within(1e-9));
    one.decayTo(Fixtures.MONDAY.plus(HL.multipliedBy(2)), HL);
    assertThat(one.mass()).isCloseTo(0.25, within(1e-9));
  }

  @Test
  void arrivalOrderDoesNotChangeTheState() {
    Random rnd = new Random(4);
    for (int c = 0; c < 50; c++) {
      List<Instant> times = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        times.add(Fixtures.MONDAY.plusSeconds(rnd.nextInt(30 * 86_400)));
      }
      RecipientState inOrder = new RecipientState();
      times.stream().sorted().forEach(t -> inOrder.update(1.0, t, HL));
      Collections.shuffle(times, rnd);
      RecipientState shuffled = new RecipientState();
      times.forEach(t -> shuffled.update(1.0, t, HL));
      assertThat(shuffled.mass()).isCloseTo(inOrder.mass(), within(1e-6));
      for (int k = 1; k <= 240; k += 17) {
        assertThat(shuffled.normalisedCos(k)).isCloseTo(inOrder.normalisedCos(k), within(1e-4));
        assertThat(shuffled.normalisedSin(k)).isCloseTo(inOrder.normalisedSin(k), within(1e-4));
      }
    }
  }

  @Test
  void typedUpdatesUseConfiguredWeightsAndIgnoreNonEvidence() {
    ModelConfig cfg = ModelConfig.defaults();
    RecipientState s = new RecipientState();
    assertThat(s.update(SignalType.CLICK, Fixtures.MONDAY, cfg)).isTrue();
    assertThat(s.update(SignalType.DELIVERED, Fixtures.MONDAY, cfg)).isFalse();
    assertThat(s.update(SignalType.TICKET_OPENED, Fixtures.MONDAY, cfg)).isFalse();
    assertThat(s.update(SignalType.OPEN, Fixtures.MONDAY, cfg)).isTrue();
    assertThat(s.mass()).isCloseTo(1.0 + cfg.weightOf(SignalType.OPEN), within(1e-9));
    assertThat(cfg.weightOf(SignalType.OPEN)).isLessThan(cfg.weightOf(SignalType.CLICK) / 5);
    assertThat(s.signalCount()).isEqualTo(2);
  }

  @Test
  void mergingTwoHistoriesEqualsHavingSeenBothStreams() {
    java.time.Duration hl = java.time.Duration.ofDays(21);
    java.time.Instant t0 = java.time.Instant.parse("2026-01-05T09:00:00Z");
    RecipientState all = new RecipientState();
    RecipientState a = new RecipientState();
    RecipientState b = new RecipientState();
    for (int i = 0; i < 20; i++) {
      java.time.Instant at = t0.plus(java.time.Duration.ofHours(7L * i));
      all.update(1.0, at, hl);
      (i % 3 == 0 ? b : a).update(1.0, at, hl);
    }
    a.mergeFrom(b, hl);
    org.assertj.core.api.Assertions.assertThat(a.signalCount()).isEqualTo(all.signalCount());
    org.assertj.core.api.Assertions.assertThat(a.lastUpdate()).isEqualTo(all.lastUpdate());
    org.assertj.core.api.Assertions.assertThat(a.mass())
        .isCloseTo(all.mass(), org.assertj.core.api.Assertions.within(1e-9));
    org.assertj.core.api.Assertions.assertThat(a.normalisedCos(7))
        .isCloseTo(all.normalisedCos(7), org.assertj.core.api.Assertions.within(1e-4));
    RecipientState empty = new RecipientState();
    empty.mergeFrom(all, hl);
    org.assertj.core.api.Assertions.assertThat(empty).isEqualTo(all);
  }

  @Test
  void burstsCountAboutOnceWhenDeduplicated() {
    ModelConfig cfg = ModelConfig.defaults().withBurstMinutes(30);
    RecipientState burst = new RecipientState();
    RecipientState spread = new RecipientState();
    for (int i = 0; i < 5; i++) {
      // Five signals a minute apart, against five signals a day apart.
      burst.update(SignalType.CLICK, Fixtures.MONDAY.plusSeconds(60L * i), cfg);
      spread.update(SignalType.CLICK, Fixtures.MONDAY.plus(Duration.ofDays(i)), cfg);
    }
    double bm = burst.massAt(Fixtures.MONDAY.plus(Duration.ofDays(5)), cfg.halfLife());
    double sm = spread.massAt(Fixtures.MONDAY.plus(Duration.ofDays(5)), cfg.halfLife());
    // First signal 1, then four times 1 - exp(-1/30) ~ 0.033.
    assertThat(bm / Math.pow(0.5, 5.0 / 21))
        .isCloseTo(1 + 4 * -Math.expm1(-1 / 30.0), within(1e-4));
    assertThat(sm).isGreaterThan(4);
    // Off: every signal counts fully.
    RecipientState plain = new RecipientState();
    for (int i = 0; i < 5; i++) {
      plain.update(
          SignalType.CLICK,
          Fixtures.MONDAY.plusSeconds(60L * i),
          ModelConfig.defaults().withBurstMinutes(0));
    }
    assertThat(plain.mass()).isGreaterThan(4.99);
  }
}
