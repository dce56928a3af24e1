package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.dispatch.esp.EspFixtures;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.flink.JsonRecordSerializer;
import com.sendflowr.flink.JsonRecordTypeInfo;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Upgrading through a savepoint taken before micro-batching: the ESP call then held single
 * dispatches in flight under {@link DispatchTopology#UID_ESP_CALL}. That operator stays in the job
 * ({@link SingleDispatchCall}) and sends each restored dispatch as a batch of one.
 */
class EspCallUpgradeTest {
  private static final Queue<DispatchBatch> INVOKED = new ConcurrentLinkedQueue<>();

  /** An ESP call that never answers, so its input stays in flight and in the snapshot. */
  private static final class NeverAnswers
      implements AsyncFunction<DispatchCommand, DispatchOutcome> {
    @Override
    public void asyncInvoke(DispatchCommand input, ResultFuture<DispatchOutcome> result) {}
  }

  /** The batched call, recording what it is asked to send. */
  private static final class Records extends RichAsyncFunction<DispatchBatch, DispatchOutcome> {
    @Override
    public void asyncInvoke(DispatchBatch input, ResultFuture<DispatchOutcome> result) {
      INVOKED.add(input);
      result.complete(List.of());
    }
  }

  private static <T> OneInputStreamOperatorTestHarness<T, DispatchOutcome> harness(
      AsyncFunction<T, DispatchOutcome> call, TypeInformation<T> input) throws Exception {
    return new OneInputStreamOperatorTestHarness<>(
        new AsyncWaitOperatorFactory<>(call, 60_000, 10, AsyncDataStream.OutputMode.UNORDERED),
        input.createSerializer(new SerializerConfigImpl()));
  }

  @Test
  void dispatchesInFlightBeforeBatchingAreSentAsBatchesOfOneAfterTheUpgrade() throws Exception {
    DispatchCommand command =
        EspFixtures.command(
            EspFixtures.decision("req-upgrade", Map.of("email", "ann@example.com")),
            EspFixtures.binding("klaviyo", "metric_name", "Promo"));

    OperatorSubtaskState savepoint;
    // Before batching the in-flight dispatches were JSON; now they are the binary codec's.
    try (var before = harness(new NeverAnswers(), JsonRecordTypeInfo.of(DispatchCommand.class))) {
      before.open();
      before.processElement(new StreamRecord<>(command, 0));
      savepoint = before.snapshot(1, 1);
    }

    INVOKED.clear();
    try (var after = harness(new SingleDispatchCall(new Records()), DispatchCommandCodec.TYPE)) {
      after.initializeState(savepoint);
      after.open();
      after.endInput();

      assertThat(INVOKED).containsExactly(DispatchBatch.of(command));
    }
  }

  @Test
  void theJobKeepsTheSingleDispatchCallUnderItsUidAndCallsBatchesUnderANewOne() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DispatchJob.wire(
        env,
        JobArgs.parse(
            new String[] {
              "--kafka-bootstrap", "kafka:9092", "--transactional-id-prefix", "upgrade-test"
            },
            Map.of()),
        CredentialStore.of(Map.of()));
    StreamGraph graph = env.getStreamGraph();

    TypeSerializer<DispatchCommand> binary =
        DispatchCommandCodec.TYPE.createSerializer(new SerializerConfigImpl());
    assertThat(inputOf(graph, DispatchTopology.UID_ESP_CALL)).isEqualTo(binary);
    assertThat(inputOf(graph, DispatchTopology.UID_ESP_BATCH_CALL))
        .isEqualTo(new JsonRecordSerializer<>(DispatchBatch.class));
    assertThat(inputOf(graph, DispatchTopology.UID_BATCH)).isEqualTo(binary);
  }

  private static Object inputOf(StreamGraph graph, String uid) {
    return graph.getStreamNodes().stream()
        .filter(n -> uid.equals(n.getTransformationUID()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operator " + uid))
        .getTypeSerializersIn()[0];
  }
}
