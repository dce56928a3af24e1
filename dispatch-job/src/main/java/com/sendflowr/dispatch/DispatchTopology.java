package com.sendflowr.dispatch;

import com.sendflowr.config.ConfigStream;
import com.sendflowr.config.ConnectorConfig;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.esp.EspAdapter;
import com.sendflowr.dispatch.esp.RetryPolicy;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.flink.ParseOrDeadLetter;
import com.sendflowr.flink.RawRecord;
import com.sendflowr.flink.WallClockWatermarks;
import com.sendflowr.flink.codec.DispatchOutcomeCodec;
import com.sendflowr.flink.codec.TimingDecisionCodec;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The dispatch job's dataflow, defined from injected sources and sinks.
 *
 * <pre>
 * decisions ─parse─keyBy(request)─┐
 *                                 ├─ schedule (timer at trigger) ─keyBy(account)─ batch ─ ESP call ─┐
 * connector config ─parse─broadcast┘        │ unroutable/expired/cancelled                           ├─> outcomes
 *                                           └────────────────────────────────────────────────────────┘
 *                                             rejected input, permanent ESP errors ──> dead letters
 * </pre>
 */
public final class DispatchTopology {
  public static final String UID_DECISIONS_SOURCE = "dispatch-decisions-source";
  public static final String UID_CONFIG_SOURCE = "dispatch-config-source";
  public static final String UID_CONFIG_TOMBSTONE_FILTER = "dispatch-config-source-filter";
  public static final String UID_PARSE_DECISIONS = "dispatch-parse-decisions";
  public static final String UID_PARSE_CONFIG = "dispatch-parse-config";
  public static final String UID_SCHEDULE = "dispatch-schedule";
  public static final String UID_BATCH = "dispatch-batch";
  public static final String UID_ESP_BATCH_CALL = "dispatch-esp-batch-call";

  /**
   * The ESP call of single dispatches before micro-batching: kept, fed nothing new, so that what a
   * savepoint taken before batching had in flight is still sent ({@link SingleDispatchCall}).
   */
  public static final String UID_ESP_CALL = "dispatch-esp-call";

  public static final String UID_ESP_CALL_INPUT = "dispatch-esp-call-input";
  public static final String UID_DEAD_LETTERED_FILTER = "dispatch-outcome-dead-letters-filter";
  public static final String UID_OUTCOME_DEAD_LETTERS = "dispatch-outcome-dead-letters";
  public static final String UID_OUTCOMES_SINK = "dispatch-outcomes-sink";
  public static final String UID_DEAD_LETTERS_SINK = "dispatch-dead-letters-sink";

  private DispatchTopology() {}

  public record Sources(
      Source<RawRecord, ?, ?> decisions, Source<RawRecord, ?, ?> connectorConfig) {}

  public record Sinks(Sink<DispatchOutcome> outcomes, Sink<DeadLetter> deadLetters) {}

  /**
   * @param baseUrls per ESP name, overriding production API roots (e.g. the sandbox)
   * @param asyncTimeout a safety net for one dispatch including all its retries; see {@link
   *     #asyncTimeoutFor}
   * @param asyncCapacity calls (batches of dispatches) in flight per subtask; during an ESP outage
   *     they wait here for up to their lateness budget, and beyond this many the batcher and the
   *     scheduler back up (their dispatches stay in state and expire if they cannot fire in time)
   * @param batchFlushAfter how long a due dispatch waits for others to share its ESP call, where
   *     the ESP has a batch endpoint (see {@link com.sendflowr.dispatch.esp.Batching})
   */
  public record Settings(
      List<EspAdapter> adapters,
      Map<String, String> baseUrls,
      CredentialStore credentials,
      RetryPolicy retryPolicy,
      Duration requestTimeout,
      EspCaller.BreakerSettings breaker,
      Duration asyncTimeout,
      int asyncCapacity,
      Duration batchFlushAfter)
      implements Serializable {

    /** Short against the watermark's own 0.1 to 0.4 s, long enough to fill a batch in a burst. */
    public static final Duration DEFAULT_BATCH_FLUSH_AFTER = Duration.ofMillis(50);

    /**
     * Beyond the longest lateness budget a binding may have, plus a last call and its longest wait:
     * the timeout must never end a call the retry loop would still finish by itself.
     */
    public static Duration asyncTimeoutFor(RetryPolicy retryPolicy, Duration requestTimeout) {
      return Duration.ofSeconds(IntentBinding.MAX_LATENESS_SECONDS)
          .plus(requestTimeout)
          .plus(retryPolicy.maxDelay());
    }
  }

  public static void define(
      StreamExecutionEnvironment env, Sources sources, Sinks sinks, Settings settings) {
    // A small idle lag: timers fire at most ~lag + watermark interval after their trigger.
    WatermarkStrategy<RawRecord> watermarks =
        WallClockWatermarks.strategy(
            (raw, ts) -> raw.timestamp(), Duration.ofSeconds(5), Duration.ofMillis(100));

    SingleOutputStreamOperator<TimingDecision> decisions =
        env.fromSource(sources.decisions(), watermarks, "decisions")
            .uid(UID_DECISIONS_SOURCE)
            .process(
                new ParseOrDeadLetter<>(
                    "dispatch-job/decisions", Contracts::parseDecision, TimingDecisionCodec.TYPE))
            .returns(TimingDecisionCodec.TYPE)
            .name("parse decisions")
            .uid(UID_PARSE_DECISIONS);

    SingleOutputStreamOperator<ConfigChange> config =
        ConfigStream.read(
            env,
            sources.connectorConfig(),
            watermarks,
            "dispatch-job/connector-config",
            Set.of(IntentBinding.ENTITY_TYPE), // intents and signal roles are the timing job's
            new ConfigStream.Uids(
                UID_CONFIG_SOURCE, UID_CONFIG_TOMBSTONE_FILTER, UID_PARSE_CONFIG));
    BroadcastStream<ConfigChange> bindings = config.broadcast(ConnectorConfig.BINDINGS);

    SingleOutputStreamOperator<DispatchCommand> due =
        decisions
            .keyBy(TimingDecision::requestId)
            .connect(bindings)
            .process(new DispatchScheduler())
            .returns(DispatchCommandCodec.TYPE)
            .name("schedule at trigger time")
            .uid(UID_SCHEDULE);

    SingleOutputStreamOperator<DispatchBatch> batches =
        due.keyBy(DispatchBatcher.keySelector(settings.adapters()), Types.STRING)
            .process(new DispatchBatcher(settings.adapters(), settings.batchFlushAfter()))
            .returns(JsonRecordTypeInfo.of(DispatchBatch.class))
            .name("batch per ESP account")
            .uid(UID_BATCH);

    DataStream<DispatchOutcome> called =
        AsyncDataStream.unorderedWait(
                batches,
                espCaller(settings),
                settings.asyncTimeout().toMillis(),
                TimeUnit.MILLISECONDS,
                settings.asyncCapacity())
            .returns(DispatchOutcomeCodec.TYPE)
            .name("call ESP")
            .uid(UID_ESP_BATCH_CALL);

    // Before micro-batching the ESP was called per dispatch under UID_ESP_CALL; that operator
    // stays, without input, to send what a savepoint from then had in flight.
    DataStream<DispatchOutcome> calledBeforeBatching =
        AsyncDataStream.unorderedWait(
                due.filter(c -> false).name("nothing new").uid(UID_ESP_CALL_INPUT),
                new SingleDispatchCall(espCaller(settings)),
                settings.asyncTimeout().toMillis(),
                TimeUnit.MILLISECONDS,
                settings.asyncCapacity())
            .returns(DispatchOutcomeCodec.TYPE)
            .name("call ESP (in flight before batching)")
            .uid(UID_ESP_CALL);

    DataStream<DispatchOutcome> outcomes =
        called.union(calledBeforeBatching, due.getSideOutput(DispatchScheduler.OUTCOMES));
    outcomes.sinkTo(sinks.outcomes()).name("dispatch outcomes").uid(UID_OUTCOMES_SINK);

    DataStream<DeadLetter> espRejections =
        outcomes
            .filter(o -> o.state() == OutcomeState.DEAD_LETTERED)
            .name("permanent ESP errors")
            .uid(UID_DEAD_LETTERED_FILTER)
            .map(DispatchTopology::deadLetterOf)
            .returns(JsonRecordTypeInfo.of(DeadLetter.class))
            .name("to dead letters")
            .uid(UID_OUTCOME_DEAD_LETTERS);

    decisions
        .getSideOutput(DeadLetters.TAG)
        .union(config.getSideOutput(DeadLetters.TAG), espRejections)
        .sinkTo(sinks.deadLetters())
        .name("dead letters")
        .uid(UID_DEAD_LETTERS_SINK);
  }

  private static EspCaller espCaller(Settings settings) {
    return new EspCaller(
        settings.adapters(),
        settings.baseUrls(),
        settings.credentials(),
        settings.retryPolicy(),
        settings.requestTimeout(),
        settings.breaker());
  }

  /**
   * A dead-lettered outcome as a dead letter: the ESP refused it (it answered), or it could not be
   * routed to the ESP at all (no adapter, no credentials: the ESP was never called).
   */
  static DeadLetter deadLetterOf(DispatchOutcome o) {
    return Contracts.deadLetter(
        "dispatch-job/esp",
        null,
        o.universalId(),
        Contracts.toJson(o),
        o.espStatus() == null ? RejectReason.UNROUTABLE : RejectReason.ESP_REJECTED,
        o.detail(),
        Instant.now());
  }
}
