package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.Signal;
import com.sendflowr.flink.codec.SendRequestCodec;
import com.sendflowr.flink.codec.SignalCodec;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParseOrDeadLetterTest {
  private static final String STAGE = "timing-job/signals";
  private static final String TOPIC = "sendflowr.signals";

  private final CapturingTaskMetrics metrics = new CapturingTaskMetrics();
  private OneInputStreamOperatorTestHarness<RawRecord, Signal> harness;

  @BeforeEach
  void open() throws Exception {
    MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(metrics).build();
    harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new ParseOrDeadLetter<>(STAGE, Contracts::parseSignal)), env);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Counter deadLetterCounter() {
    return (Counter) metrics.operator.get("deadLetters");
  }

  @Test
  void validInputPassesThroughUnchangedWithItsTimestamp() throws Exception {
    Signal signal = ContractSamples.signal();
    harness.processElement(new RawRecord(TOPIC, "u-42", Contracts.toJson(signal), 77L), 77L);

    assertThat(harness.extractOutputStreamRecords())
        .containsExactly(new StreamRecord<>(signal, 77L));
    assertThat(harness.getSideOutput(DeadLetters.TAG)).isNull();
    assertThat(deadLetterCounter().getCount()).isZero();
  }

  @Test
  void invalidInputIsDeadLetteredWithReasonStageAndOriginAndCounted() throws Exception {
    harness.processElement(new RawRecord(TOPIC, "u-42", "{not json", 1L), 1L);
    String noEventId = "{\"event_type\":\"click\",\"occurred_at\":\"2026-01-05T09:30:00Z\"}";
    harness.processElement(new RawRecord(TOPIC, "u-43", noEventId, 2L), 2L);
    harness.processElement(new RawRecord(TOPIC, null, "[1,2]", 3L), 3L);

    assertThat(harness.extractOutputValues()).isEmpty();
    List<DeadLetter> dead =
        harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
    assertThat(dead)
        .extracting(DeadLetter::reason)
        .containsExactly(
            RejectReason.MALFORMED_JSON, RejectReason.MISSING_FIELD, RejectReason.MALFORMED_JSON);
    assertThat(dead).allSatisfy(d -> assertThat(d.stage()).isEqualTo(STAGE));
    assertThat(dead).allSatisfy(d -> assertThat(d.sourceTopic()).isEqualTo(TOPIC));
    assertThat(dead).allSatisfy(d -> assertThat(d.rejectedAt()).isNotNull());
    assertThat(dead).extracting(DeadLetter::key).containsExactly("u-42", "u-43", null);
    assertThat(dead)
        .extracting(DeadLetter::payload)
        .containsExactly("{not json", noEventId, "[1,2]");
    assertThat(dead.get(1).detail()).contains("event_id");
    assertThat(deadLetterCounter().getCount()).isEqualTo(3);
  }

  @Test
  void aBadRecordDoesNotStopTheGoodOnesAroundIt() throws Exception {
    Signal first = ContractSamples.signal("evt-1", "u-1");
    Signal second = ContractSamples.signal("evt-2", "u-2");
    harness.processElement(new RawRecord(TOPIC, "u-1", Contracts.toJson(first), 1L), 1L);
    harness.processElement(new RawRecord(TOPIC, "u-1", "", 2L), 2L);
    harness.processElement(new RawRecord(TOPIC, "u-2", Contracts.toJson(second), 3L), 3L);

    assertThat(harness.extractOutputValues()).containsExactly(first, second);
    assertThat(harness.getSideOutput(DeadLetters.TAG)).hasSize(1);
    assertThat(deadLetterCounter().getCount()).isEqualTo(1);
  }

  @Test
  void aRecordThatChangesWhenWrittenIsDeadLetteredNotPassedOn() throws Exception {
    // A lenient reader (no character rules) stands in for a parser that misses a case: the lone
    // surrogate becomes '?' once written as UTF-8, so the key would change after a keyBy.
    try (OneInputStreamOperatorTestHarness<RawRecord, Signal> lenient =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(
                new ParseOrDeadLetter<>(
                    STAGE,
                    json -> new Parsed.Ok<>(Contracts.fromCanonicalJson(json, Signal.class)))),
            new MockEnvironmentBuilder().setMetricGroup(metrics).build())) {
      lenient.open();
      Signal good = ContractSamples.signal("evt-1", "u-1");
      String bad = Contracts.toJson(good).replace("\"u-1\"", "\"u-\\ud800\"");
      lenient.processElement(new RawRecord(TOPIC, "u-1", bad, 1L), 1L);
      lenient.processElement(new RawRecord(TOPIC, "u-1", Contracts.toJson(good), 2L), 2L);

      assertThat(lenient.extractOutputValues()).containsExactly(good);
      List<DeadLetter> dead =
          lenient.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
      assertThat(dead)
          .extracting(DeadLetter::reason)
          .containsExactly(RejectReason.UNSTABLE_ROUND_TRIP);
      assertThat(dead.get(0).payload()).isEqualTo(bad);
      assertThat(dead.get(0).detail()).contains("differs");
    }
  }

  @Test
  void aParserThatThrowsDeadLettersTheRecordInsteadOfFailingTheTask() throws Exception {
    try (OneInputStreamOperatorTestHarness<RawRecord, Signal> throwing =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(
                new ParseOrDeadLetter<Signal>(
                    STAGE,
                    json -> {
                      throw new NullPointerException("a bug in a parser");
                    })),
            new MockEnvironmentBuilder().setMetricGroup(metrics).build())) {
      throwing.open();
      throwing.processElement(new RawRecord(TOPIC, "u-1", "{}", 1L), 1L);

      assertThat(throwing.extractOutputValues()).isEmpty();
      assertThat(throwing.getSideOutput(DeadLetters.TAG))
          .extracting(r -> r.getValue().reason())
          .containsExactly(RejectReason.INVALID_FIELD);
    }
  }

  @Test
  void theStrictParserRejectsTheSameRecordBeforeTheRoundTripCheck() throws Exception {
    String bad =
        Contracts.toJson(ContractSamples.signal("evt-1", "u-1"))
            .replace("\"u-1\"", "\"u-\\ud800\"");
    harness.processElement(new RawRecord(TOPIC, "u-1", bad, 1L), 1L);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.getSideOutput(DeadLetters.TAG))
        .extracting(r -> r.getValue().reason())
        .containsExactly(RejectReason.ILL_FORMED_UNICODE);
  }

  @Test
  void everyContractSampleIsStableThroughTheJob() {
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseSignal)
                .roundTripProblem(ContractSamples.signal()))
        .isNull();
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseSendRequest)
                .roundTripProblem(ContractSamples.sendRequest()))
        .isNull();
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseDecision)
                .roundTripProblem(ContractSamples.decision()))
        .isNull();
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseDispatchOutcome)
                .roundTripProblem(ContractSamples.outcome()))
        .isNull();
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseConfigChange)
                .roundTripProblem(ContractSamples.configChange()))
        .isNull();
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseDeadLetter)
                .roundTripProblem(ContractSamples.deadLetter()))
        .isNull();
  }

  @Test
  void theBinaryFormBetweenOperatorsIsCheckedToo() {
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseSignal, SignalCodec.TYPE)
                .roundTripProblem(ContractSamples.signal()))
        .isNull();
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseSendRequest, SendRequestCodec.TYPE)
                .roundTripProblem(ContractSamples.sendRequest()))
        .isNull();
    // A codec that loses a field: the check names the operator hop, not the JSON.
    BinaryCodec<Signal> lossy =
        new BinaryCodec<>() {
          @Override
          public Class<Signal> type() {
            return Signal.class;
          }

          @Override
          public byte[] encode(Signal value) {
            return new SignalCodec().encode(value);
          }

          @Override
          public Signal decode(byte[] bytes) {
            Signal s = new SignalCodec().decode(bytes);
            return new Signal(
                s.eventId(),
                s.eventType(),
                s.occurredAt(),
                s.universalId(),
                Map.of(),
                null,
                s.properties());
          }
        };
    assertThat(
            new ParseOrDeadLetter<>(STAGE, Contracts::parseSignal, BinaryCodecTypeInfo.of(lossy))
                .roundTripProblem(ContractSamples.signal()))
        .contains("between operators");
  }

  /** Hands every operator the same intercepting metric group, so the test can read counters. */
  static final class CapturingTaskMetrics
      extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
    final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(
        OperatorID operatorID, String name, Map<String, String> additionalVariables) {
      return operator;
    }
  }
}
