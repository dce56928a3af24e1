package com.sendflowr.flink.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecsTest {
  private final SignalCodec signals = new SignalCodec();
  private final SendRequestCodec requests = new SendRequestCodec();

  @Test
  void signalsAndRequestsComeBackEqual() {
    Signal s = ContractSamples.signal();
    assertThat(signals.decode(signals.encode(s))).isEqualTo(s);
    SendRequest r = ContractSamples.sendRequest();
    assertThat(requests.decode(requests.encode(r))).isEqualTo(r);
    Signal bare =
        new Signal("e", "click", Instant.ofEpochSecond(1, 7), null, Map.of("k", "v"), null, null);
    assertThat(signals.decode(signals.encode(bare))).isEqualTo(bare);
  }

  @Test
  void outcomesComeBackEqualWithAndWithoutTheirOptionalFields() {
    DispatchOutcomeCodec outcomes = new DispatchOutcomeCodec();
    DispatchOutcome o = ContractSamples.outcome();
    assertThat(outcomes.decode(outcomes.encode(o))).isEqualTo(o);
    DispatchOutcome bare =
        new DispatchOutcome(
            "out-1",
            "dec-1",
            1,
            "req-1",
            "promo_jan",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            0,
            OutcomeState.EXPIRED,
            "needs a new decision \ud800");
    assertThat(outcomes.decode(outcomes.encode(bare))).isEqualTo(bare);
  }

  @Test
  void decisionsComeBackEqualWithAndWithoutTheirDebugInternals() {
    TimingDecisionCodec decisions = new TimingDecisionCodec();
    TimingDecision d = ContractSamples.decision();
    assertThat(d.debug()).isNotNull();
    assertThat(decisions.decode(decisions.encode(d))).isEqualTo(d);
    TimingDecision bare =
        new TimingDecision(
            d.decisionId(),
            d.requestId(),
            d.intentId(),
            d.universalId(),
            1,
            d.status(),
            null,
            d.targetMinuteUtc(),
            d.targetTimestampUtc(),
            d.triggerTimestampUtc(),
            0.0,
            null,
            0.5,
            d.modelVersion(),
            d.explanationRef(),
            d.createdAtUtc(),
            null,
            Map.of(),
            null);
    assertThat(decisions.decode(decisions.encode(bare))).isEqualTo(bare);
  }

  @Test
  void everyUtf16UnitSurvivesSoKeysAreTheSameOnBothSidesOfAKeyBy() {
    // What UTF-8 cannot carry (a lone surrogate, NUL) and what needs more than writeUTF allows.
    String hostile = "u-\ud800-\u0000-\uffff-" + "é".repeat(30_000);
    Signal s =
        new Signal(
            "e-\udfff", "click", Instant.EPOCH, hostile, Map.of("k\ud800", "v"), "src", Map.of());
    Signal back = signals.decode(signals.encode(s));
    assertThat(back).isEqualTo(s);
    assertThat(back.universalId()).isEqualTo(hostile);
  }

  @Test
  void unreadableBytesAreAClearError() {
    byte[] good = signals.encode(ContractSamples.signal());
    assertThatThrownBy(() -> signals.decode(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] newer = good.clone();
    newer[0] = 9;
    assertThatThrownBy(() -> signals.decode(newer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format version 9");
    assertThatThrownBy(() -> signals.decode(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("left after");
  }
}
