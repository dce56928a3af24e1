package com.sendflowr.dispatch;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.dispatch.esp.EspAdapters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatchBatcherTest {
  private static final long T0 = 1_767_606_000_000L;
  private static final Duration FLUSH_AFTER = Duration.ofMillis(50);
  private static final IntentBinding KLAVIYO = binding("klaviyo", "metric_name", "Promo");
  private static final IntentBinding BRAZE = binding("braze", "campaign_id", "cmp-1");

  private KeyedOneInputStreamOperatorTestHarness<String, DispatchCommand, DispatchBatch> harness;

  private static KeyedOneInputStreamOperatorTestHarness<String, DispatchCommand, DispatchBatch>
      harness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new DispatchBatcher(EspAdapters.all(), FLUSH_AFTER),
        DispatchBatcher.keySelector(EspAdapters.all()),
        Types.STRING);
  }

  /** A harness keyed as the job keys the batcher, to restore a snapshot into before opening. */
  private static KeyedOneInputStreamOperatorTestHarness<String, DispatchCommand, DispatchBatch>
      unopened(KeyedProcessFunction<String, DispatchCommand, DispatchBatch> function)
          throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(function),
        DispatchBatcher.keySelector(EspAdapters.all()),
        Types.STRING);
  }

  @BeforeEach
  void open() throws Exception {
    harness = harness();
    harness.setProcessingTime(T0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static List<DispatchCommand> due(String prefix, int n, IntentBinding b) {
    return IntStream.range(0, n).mapToObj(i -> command(decision(prefix + i, Map.of()), b)).toList();
  }

  private void process(List<DispatchCommand> commands) throws Exception {
    for (DispatchCommand c : commands) {
      harness.processElement(c, T0);
    }
  }

  private List<Integer> sizes() {
    return harness.extractOutputValues().stream().map(DispatchBatch::size).toList();
  }

  @Test
  void whileTheAccountsBreakerIsOpenDispatchesWaitInStateAndLeaveOnceItLetsCallsThrough()
      throws Exception {
    IntentBinding iterable = binding("iterable", "workflow_id", "4242");
    String jobId = harness.getEnvironment().getJobID().toString();
    CircuitBreaker breaker =
        AccountBreakers.of(
            jobId,
            AccountBreakers.account(iterable),
            EspCaller.BreakerSettings.defaults().config());
    breaker.transitionToOpenState();
    try {
      List<DispatchCommand> klaviyo = due("req-k-", 3, KLAVIYO);
      List<DispatchCommand> spread = due("req-i-", 2, iterable);
      process(klaviyo);
      process(spread);
      harness.setProcessingTime(T0 + 50);
      // Klaviyo's account is another one: its buffer leaves at the flush deadline as usual.
      assertThat(sizes()).containsExactly(3);
      // Iterable's dispatches (no batch endpoint) wait in keyed state, one timer each.
      assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

      harness.setProcessingTime(T0 + 5_000);
      assertThat(sizes()).as("still held, the timers re-armed").containsExactly(3);
      assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

      breaker.transitionToHalfOpenState();
      harness.setProcessingTime(T0 + 6_000);
      assertThat(harness.extractOutputValues().stream().flatMap(b -> b.commands().stream()))
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.Stream.concat(klaviyo.stream(), spread.stream()).toList());
      assertThat(harness.numProcessingTimeTimers()).isZero();
    } finally {
      breaker.transitionToClosedState();
    }
  }

  @Test
  void fullBatchesLeaveAtOnceAndTheRestWaitsForTheBulkEndpointsNextSlot() throws Exception {
    List<DispatchCommand> burst = due("req-", 2_345, KLAVIYO);
    process(burst);
    assertThat(sizes()).containsExactly(1_000, 1_000);

    harness.setProcessingTime(T0 + 50);
    assertThat(sizes()).as("held: Klaviyo's bulk endpoint takes a call every 400 ms").hasSize(2);

    harness.setProcessingTime(T0 + 400);
    assertThat(sizes()).containsExactly(1_000, 1_000, 345);
    assertThat(harness.extractOutputValues().stream().flatMap(b -> b.commands().stream()))
        .containsExactlyElementsOf(burst);
  }

  @Test
  void aLoneDispatchLeavesAfterTheFlushDeadlineAsABatchOfOne() throws Exception {
    process(due("req-", 1, KLAVIYO));
    harness.setProcessingTime(T0 + 49);
    assertThat(sizes()).isEmpty();

    harness.setProcessingTime(T0 + 50);
    assertThat(sizes()).containsExactly(1);
  }

  @Test
  void brazeRecipientsOfOneCampaignGoFiftyACall() throws Exception {
    process(due("req-", 120, BRAZE));
    process(due("other-", 3, binding("braze", "campaign_id", "cmp-2")));
    assertThat(sizes()).containsExactly(50, 50);

    harness.setProcessingTime(T0 + 50);
    assertThat(sizes()).containsExactlyInAnyOrder(50, 50, 20, 3);
  }

  @Test
  void espsWithoutABatchEndpointPassStraightThrough() throws Exception {
    process(due("req-", 3, binding("webhook", "webhook_url", "https://hooks.example/a")));
    assertThat(sizes()).containsExactly(1, 1, 1);
  }

  @Test
  void aBufferSurvivesACheckpointAndARestore() throws Exception {
    process(due("req-", 3, KLAVIYO));
    OperatorSubtaskState snapshot = harness.snapshot(1, T0 + 10);
    harness.close();

    harness = unopened(new DispatchBatcher(EspAdapters.all(), FLUSH_AFTER));
    harness.initializeState(snapshot);
    harness.open();
    harness.setProcessingTime(T0 + 60);

    assertThat(sizes()).containsExactly(3);
  }

  /**
   * The batcher's buffer as the release before the binary codec wrote it: the same state names, the
   * commands as JSON, a flush timer set.
   */
  private static final class JsonBufferOfTheLastRelease
      extends KeyedProcessFunction<String, DispatchCommand, DispatchBatch> {
    @Override
    public void processElement(DispatchCommand c, Context ctx, Collector<DispatchBatch> out)
        throws Exception {
      var rc = getRuntimeContext();
      var buffered =
          rc.getListState(
              new ListStateDescriptor<>("buffered", JsonRecordTypeInfo.of(DispatchCommand.class)));
      var size = rc.getState(new ValueStateDescriptor<>("buffered-count", Types.INT));
      var firstAt = rc.getState(new ValueStateDescriptor<>("first-at", Types.LONG));
      var timerAt = rc.getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
      buffered.add(c);
      size.update(size.value() == null ? 1 : size.value() + 1);
      if (firstAt.value() == null) {
        long now = ctx.timerService().currentProcessingTime();
        firstAt.update(now);
        timerAt.update(now + FLUSH_AFTER.toMillis());
        ctx.timerService().registerProcessingTimeTimer(now + FLUSH_AFTER.toMillis());
      }
    }
  }

  @Test
  void aBufferTheJsonSerializerWroteIsMigratedOnRestoreFromRocksDb() throws Exception {
    harness.close();
    var before = unopened(new JsonBufferOfTheLastRelease());
    before.setStateBackend(new EmbeddedRocksDBStateBackend());
    before.open();
    before.setProcessingTime(T0);
    List<DispatchCommand> buffered = due("req-", 3, KLAVIYO);
    for (DispatchCommand c : buffered) {
      before.processElement(c, T0);
    }
    OperatorSubtaskState savepoint = before.snapshot(1, T0 + 10);
    before.close();

    harness = unopened(new DispatchBatcher(EspAdapters.all(), FLUSH_AFTER));
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    harness.initializeState(savepoint);
    harness.open();
    harness.setProcessingTime(T0 + 60);

    assertThat(harness.extractOutputValues()).containsExactly(new DispatchBatch(buffered));
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }
}
