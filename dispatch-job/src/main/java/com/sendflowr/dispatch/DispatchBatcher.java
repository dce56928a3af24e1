package com.sendflowr.dispatch;

import com.sendflowr.dispatch.esp.AccountRateLimiter;
import com.sendflowr.dispatch.esp.Batching;
import com.sendflowr.dispatch.esp.EspAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by {@link Batching#key}: buffers due dispatches that may share an ESP call and flushes them
 * as {@link DispatchBatch}es when the buffer is full or its first dispatch has waited the flush
 * deadline ({@link Batching#flushAt}). ESPs without a batch endpoint pass straight through.
 *
 * <p>While the account's circuit breaker is open (an outage, refused credentials), due dispatches
 * of every ESP wait here, in keyed state, and the timer is re-armed every {@link #BREAKER_RECHECK}
 * until the breaker lets calls through again; they then go out with the idempotency keys they
 * always had, and the caller ends those whose lateness budget ran out meanwhile as expired.
 *
 * <p>The buffer and its timer are keyed state, so a checkpoint or a restore loses nothing: a
 * restored timer that is already due fires at once.
 */
public final class DispatchBatcher
    extends KeyedProcessFunction<String, DispatchCommand, DispatchBatch> {
  private static final long serialVersionUID = 1L;

  /** How often dispatches held back by an open breaker look at it again. */
  static final Duration BREAKER_RECHECK = Duration.ofSeconds(1);

  private final List<EspAdapter> adapters;
  private final Duration flushAfter;

  private transient String jobId;
  private transient Map<String, EspAdapter> adapterByName;
  private transient ListState<DispatchCommand> buffered;
  private transient ValueState<Integer> size;
  private transient ValueState<Long> firstAt;
  private transient ValueState<Long> timerAt;
  private transient ValueState<Long> lastBatchAt;

  /**
   * @param flushAfter how long the first dispatch of a buffer waits for others
   */
  public DispatchBatcher(List<EspAdapter> adapters, Duration flushAfter) {
    this.adapters = List.copyOf(adapters);
    this.flushAfter = flushAfter;
  }

  /** The key the batcher's input is partitioned by. */
  public static KeySelector<DispatchCommand, String> keySelector(List<EspAdapter> adapters) {
    List<EspAdapter> copy = List.copyOf(adapters);
    return command -> Batching.key(find(copy, command.binding().esp()), command);
  }

  private static EspAdapter find(List<EspAdapter> adapters, String esp) {
    for (EspAdapter a : adapters) {
      if (a.name().equals(esp)) {
        return a;
      }
    }
    return null;
  }

  @Override
  public void open(OpenContext openContext) {
    adapterByName =
        adapters.stream().collect(Collectors.toMap(EspAdapter::name, Function.identity()));
    var ctx = getRuntimeContext();
    jobId = ctx.getJobInfo().getJobId().toString();
    buffered = ctx.getListState(new ListStateDescriptor<>("buffered", DispatchCommandCodec.TYPE));
    size = ctx.getState(new ValueStateDescriptor<>("buffered-count", Types.INT));
    firstAt = ctx.getState(new ValueStateDescriptor<>("first-at", Types.LONG));
    timerAt = ctx.getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
    lastBatchAt = ctx.getState(new ValueStateDescriptor<>("last-batch-at", Types.LONG));
  }

  @Override
  public void processElement(DispatchCommand command, Context ctx, Collector<DispatchBatch> out)
      throws Exception {
    EspAdapter adapter = adapterByName.get(command.binding().esp());
    int max = Batching.maxBatchSize(adapter);
    boolean held = AccountBreakers.isOpen(jobId, AccountBreakers.account(command.binding()));
    if (max <= 1 && !held && size.value() == null) {
      out.collect(DispatchBatch.of(command));
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    buffered.add(command);
    int n = size.value() == null ? 1 : size.value() + 1;
    size.update(n);
    if (n == 1) {
      firstAt.update(now);
    }
    armOrHold(ctx, adapter, command, n, max, now, out);
  }

  /** Holds the buffer while the account's breaker is open, else flushes it when due. */
  private void armOrHold(
      Context ctx,
      EspAdapter adapter,
      DispatchCommand sample,
      int n,
      int max,
      long now,
      Collector<DispatchBatch> out)
      throws Exception {
    if (AccountBreakers.isOpen(jobId, AccountBreakers.account(sample.binding()))) {
      setTimer(ctx, now + BREAKER_RECHECK.toMillis());
      return;
    }
    arm(ctx, adapter, sample, n, max, now, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DispatchBatch> out)
      throws Exception {
    Long armed = timerAt.value();
    if (armed == null || armed != timestamp) {
      return; // replaced by a later one, or the buffer was flushed full
    }
    timerAt.clear();
    List<DispatchCommand> commands = new ArrayList<>();
    buffered.get().forEach(commands::add);
    if (commands.isEmpty()) {
      return;
    }
    DispatchCommand first = commands.get(0);
    EspAdapter adapter = adapterByName.get(first.binding().esp());
    armOrHold(
        ctx,
        adapter,
        first,
        commands.size(),
        Batching.maxBatchSize(adapter),
        ctx.timerService().currentProcessingTime(),
        out);
  }

  /** Flushes when due, else makes sure a timer is set for when it will be. */
  private void arm(
      Context ctx,
      EspAdapter adapter,
      DispatchCommand sample,
      int n,
      int max,
      long now,
      Collector<DispatchBatch> out)
      throws Exception {
    Duration spacing =
        adapter == null
            ? Duration.ZERO
            : AccountRateLimiter.spacing(
                adapter.endpoint(Math.max(2, n)).limitsFor(sample.binding().accountSettings()));
    long at = Batching.flushAt(n, max, firstAt.value(), lastBatchAt.value(), flushAfter, spacing);
    if (at <= now) {
      flush(ctx, max, now, out);
      return;
    }
    setTimer(ctx, at);
  }

  private void setTimer(Context ctx, long at) throws Exception {
    Long armed = timerAt.value();
    if (armed == null || armed != at) {
      if (armed != null) {
        ctx.timerService().deleteProcessingTimeTimer(armed);
      }
      timerAt.update(at);
      ctx.timerService().registerProcessingTimeTimer(at);
    }
  }

  private void flush(Context ctx, int max, long now, Collector<DispatchBatch> out)
      throws Exception {
    List<DispatchCommand> commands = new ArrayList<>();
    buffered.get().forEach(commands::add);
    for (List<DispatchCommand> call : Batching.plan(commands, max)) {
      out.collect(new DispatchBatch(call));
      if (call.size() > 1) {
        lastBatchAt.update(now);
      }
    }
    buffered.clear();
    size.clear();
    firstAt.clear();
    Long armed = timerAt.value();
    if (armed != null) {
      ctx.timerService().deleteProcessingTimeTimer(armed);
      timerAt.clear();
    }
  }
}
