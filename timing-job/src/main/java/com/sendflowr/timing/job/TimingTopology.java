package com.sendflowr.timing.job;

import com.sendflowr.config.ConfigStream;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.flink.ParseOrDeadLetter;
import com.sendflowr.flink.RawRecord;
import com.sendflowr.flink.WallClockWatermarks;
import com.sendflowr.flink.codec.SendRequestCodec;
import com.sendflowr.flink.codec.SignalCodec;
import com.sendflowr.timing.job.identity.IdentityStage;
import com.sendflowr.timing.job.identity.RecipientHandoff;
import com.sendflowr.timing.job.latency.LatencyEvidence;
import com.sendflowr.timing.job.latency.LatencyJoin;
import com.sendflowr.timing.job.latency.LatencyLearner;
import com.sendflowr.timing.job.latency.LatencySample;
import com.sendflowr.timing.job.wire.TimingInputCodec;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The timing job's dataflow, defined from injected sources and sinks so tests run exactly what
 * production runs.
 *
 * <pre>
 * signals ───parse──┐                       merges ─┐
 * requests ──parse──┼─> identity (keys -> id) ──────┼─> keyBy(id) ─> decide ─┬─> decisions ──┐ one sink,
 * outcomes ──parse──┘                               │                 ^      ├─> explanations┘ one txn
 * handoffs (Kafka, the job's own loop) ─────────────┘                 │      ├─> handoffs (Kafka)
 * outcomes + delivered signals ─> latency join ─> latency learner ────┤      └─> dead letters
 * connector config ──parse────────────────────────────────────────────┘ (broadcast)
 * </pre>
 */
public final class TimingTopology {
  // Stable operator ids: savepoints map state by these, so they never change.
  public static final String UID_SIGNALS_SOURCE = "timing-signals-source";
  public static final String UID_REQUESTS_SOURCE = "timing-requests-source";
  public static final String UID_OUTCOMES_SOURCE = "timing-outcomes-source";
  public static final String UID_CONFIG_SOURCE = "timing-config-source";
  public static final String UID_PARSE_SIGNALS = "timing-parse-signals";
  public static final String UID_PARSE_REQUESTS = "timing-parse-requests";
  public static final String UID_PARSE_OUTCOMES = "timing-parse-outcomes";
  public static final String UID_CONFIG_TOMBSTONE_FILTER = "timing-config-source-filter";
  public static final String UID_PARSE_CONFIG = "timing-parse-config";
  public static final String UID_SIGNAL_INPUTS = "timing-signal-inputs";
  public static final String UID_REQUEST_INPUTS = "timing-request-inputs";
  public static final String UID_OUTCOME_INPUTS = "timing-outcome-inputs";
  public static final String UID_LATENCY_FROM_OUTCOMES = "timing-latency-from-outcomes";
  public static final String UID_LATENCY_FROM_SIGNALS = "timing-latency-from-signals";
  public static final String UID_LATENCY_JOIN = "timing-latency-join";
  public static final String UID_LATENCY_LEARNER = "timing-latency-learner";
  public static final String UID_CONFIG_CONTROL = "timing-config-control";
  public static final String UID_LATENCY_CONTROL = "timing-latency-control";
  public static final String UID_HANDOFFS_SOURCE = "timing-handoffs-source";
  public static final String UID_PARSE_HANDOFFS = "timing-parse-handoffs";
  public static final String UID_MERGE_INPUTS = "timing-merge-inputs";
  public static final String UID_HANDOFF_INPUTS = "timing-handoff-inputs";
  public static final String UID_HANDOFFS_SINK = "timing-handoffs-sink";
  public static final String UID_DECIDE = "timing-decide";

  /** Decisions and explanations: one sink, so both commit in the same Kafka transaction. */
  public static final String UID_DECISIONS_SINK = "timing-decisions-sink";

  public static final String UID_DEAD_LETTERS_SINK = "timing-dead-letters-sink";

  private TimingTopology() {}

  /** What the topology reads. */
  public record Sources(
      Source<RawRecord, ?, ?> signals,
      Source<RawRecord, ?, ?> sendRequests,
      Source<RawRecord, ?, ?> dispatchOutcomes,
      Source<RawRecord, ?, ?> connectorConfig,
      Source<RawRecord, ?, ?> recipientHandoffs) {}

  /**
   * Where it writes.
   *
   * @param decisions decisions (left) and their explanation rows (right), in one transaction
   */
  public record Sinks(
      Sink<Either<TimingDecision, ExplanationRow>> decisions,
      Sink<RecipientHandoff> recipientHandoffs,
      Sink<DeadLetter> deadLetters) {}

  /** How the job decides, with which model, and how long it remembers identity keys. */
  public record Settings(DecideSettings decide, ModelSpec model, IdentityStage.Settings identity)
      implements Serializable {
    public static Settings defaults() {
      return new Settings(
          DecideSettings.defaults(), ModelSpec.defaults(), IdentityStage.Settings.defaults());
    }
  }

  public static void define(
      StreamExecutionEnvironment env, Sources sources, Sinks sinks, Settings settings) {
    WatermarkStrategy<RawRecord> watermarks =
        WallClockWatermarks.strategy(
            (raw, ts) -> raw.timestamp(), Duration.ofSeconds(5), Duration.ofSeconds(1));

    SingleOutputStreamOperator<Signal> signals =
        env.fromSource(sources.signals(), watermarks, "signals")
            .uid(UID_SIGNALS_SOURCE)
            .process(
                new ParseOrDeadLetter<>(
                    "timing-job/signals", Contracts::parseSignal, SignalCodec.TYPE))
            .returns(SignalCodec.TYPE)
            .name("parse signals")
            .uid(UID_PARSE_SIGNALS);

    SingleOutputStreamOperator<SendRequest> parsedRequests =
        env.fromSource(sources.sendRequests(), watermarks, "send requests")
            .uid(UID_REQUESTS_SOURCE)
            .process(
                new ParseOrDeadLetter<>(
                    "timing-job/send-requests", Contracts::parseSendRequest, SendRequestCodec.TYPE))
            .returns(SendRequestCodec.TYPE)
            .name("parse send requests")
            .uid(UID_PARSE_REQUESTS);
    // A request id names one recipient's request; reusing it for another is dead-lettered here,
    // since per-recipient state downstream could not tell.
    SingleOutputStreamOperator<SendRequest> requests = RequestIdGuard.guard(parsedRequests);

    SingleOutputStreamOperator<DispatchOutcome> outcomes =
        env.fromSource(sources.dispatchOutcomes(), watermarks, "dispatch outcomes")
            .uid(UID_OUTCOMES_SOURCE)
            .process(
                new ParseOrDeadLetter<>(
                    "timing-job/dispatch-outcomes", Contracts::parseDispatchOutcome))
            .returns(JsonRecordTypeInfo.of(DispatchOutcome.class))
            .name("parse dispatch outcomes")
            .uid(UID_PARSE_OUTCOMES);

    SingleOutputStreamOperator<ConfigChange> config =
        ConfigStream.read(
            env,
            sources.connectorConfig(),
            watermarks,
            "timing-job/connector-config",
            VALIDATED_CONFIG,
            new ConfigStream.Uids(
                UID_CONFIG_SOURCE, UID_CONFIG_TOMBSTONE_FILTER, UID_PARSE_CONFIG));

    DataStream<ControlInput.LatencyUpdate> latency = learnLatency(signals, outcomes, settings);
    BroadcastStream<ControlInput> control =
        config
            .map(ControlInput::of)
            .returns(JsonRecordTypeInfo.of(ControlInput.class))
            .setParallelism(1)
            .name("config as control")
            .uid(UID_CONFIG_CONTROL)
            .union(
                latency
                    .map(ControlInput::of)
                    .returns(JsonRecordTypeInfo.of(ControlInput.class))
                    .name("latency as control")
                    .uid(UID_LATENCY_CONTROL))
            .broadcast(DecideFunction.CONFIG, DecideFunction.LATENCY);

    DataStream<TimingInput> signalInputs =
        signals
            .map(TimingInput::of)
            .returns(TimingInputCodec.TYPE)
            .name("signals as inputs")
            .uid(UID_SIGNAL_INPUTS);
    DataStream<TimingInput> requestInputs =
        requests
            .map(TimingInput::of)
            .returns(TimingInputCodec.TYPE)
            .name("requests as inputs")
            .uid(UID_REQUEST_INPUTS);
    DataStream<TimingInput> outcomeInputs =
        outcomes
            .map(TimingInput::of)
            .returns(TimingInputCodec.TYPE)
            .name("outcomes as inputs")
            .uid(UID_OUTCOME_INPUTS);

    IdentityStage.Resolved identity =
        IdentityStage.apply(
            List.of(
                new IdentityStage.Input("signals", signalInputs),
                new IdentityStage.Input("requests", requestInputs),
                new IdentityStage.Input("outcomes", outcomeInputs)),
            settings.identity());
    SingleOutputStreamOperator<RecipientHandoff> handoffs =
        env.fromSource(sources.recipientHandoffs(), watermarks, "recipient handoffs")
            .uid(UID_HANDOFFS_SOURCE)
            .process(
                new ParseOrDeadLetter<>(
                    "timing-job/recipient-handoffs", TimingTopology::parseHandoff))
            .returns(JsonRecordTypeInfo.of(RecipientHandoff.class))
            .name("parse recipient handoffs")
            .uid(UID_PARSE_HANDOFFS);
    DataStream<TimingInput> inputs =
        identity
            .inputs()
            .union(
                identity
                    .merges()
                    .map(TimingInput::of)
                    .returns(TimingInputCodec.TYPE)
                    .name("merges as inputs")
                    .uid(UID_MERGE_INPUTS),
                handoffs
                    .map(TimingInput::of)
                    .returns(TimingInputCodec.TYPE)
                    .name("handoffs as inputs")
                    .uid(UID_HANDOFF_INPUTS));

    SingleOutputStreamOperator<Either<TimingDecision, ExplanationRow>> decisions =
        inputs
            .keyBy(TimingInput::recipient)
            .connect(control)
            .process(new DecideFunction(settings.decide(), settings.model()))
            .returns(DecideFunction.OUTPUT)
            .name("decide")
            .uid(UID_DECIDE);

    decisions.sinkTo(sinks.decisions()).name("decisions + explanations").uid(UID_DECISIONS_SINK);

    decisions
        .getSideOutput(DecideFunction.HANDOFFS)
        .sinkTo(sinks.recipientHandoffs())
        .name("recipient handoffs")
        .uid(UID_HANDOFFS_SINK);

    DataStream<DeadLetter> deadLetters =
        signals
            .getSideOutput(DeadLetters.TAG)
            .union(
                parsedRequests.getSideOutput(DeadLetters.TAG),
                requests.getSideOutput(DeadLetters.TAG),
                identity.deadLetters(),
                handoffs.getSideOutput(DeadLetters.TAG),
                outcomes.getSideOutput(DeadLetters.TAG),
                config.getSideOutput(DeadLetters.TAG),
                decisions.getSideOutput(DeadLetters.TAG));
    deadLetters.sinkTo(sinks.deadLetters()).name("dead letters").uid(UID_DEAD_LETTERS_SINK);
  }

  /**
   * The config entities the timing job validates: signal mappings and intents are its own; bindings
   * are the dispatcher's to validate (the timing job reads only their id).
   */
  static final java.util.Set<String> VALIDATED_CONFIG =
      java.util.Set.of(
          com.sendflowr.config.SignalMapping.ENTITY_TYPE,
          com.sendflowr.config.IntentSettings.ENTITY_TYPE);

  /** Handoffs are written by this job only; anything unreadable is dead-lettered, not fatal. */
  static com.sendflowr.contract.Parsed<RecipientHandoff> parseHandoff(String json) {
    try {
      return new com.sendflowr.contract.Parsed.Ok<>(
          Contracts.fromCanonicalJson(json, RecipientHandoff.class));
    } catch (RuntimeException e) {
      return new com.sendflowr.contract.Parsed.Rejected<>(
          com.sendflowr.contract.RejectReason.MALFORMED_JSON,
          "not a recipient handoff: " + e.getClass().getSimpleName());
    }
  }

  /** Dispatch outcomes and delivery webhooks in, each channel's latency tracker out. */
  private static DataStream<ControlInput.LatencyUpdate> learnLatency(
      DataStream<Signal> signals, DataStream<DispatchOutcome> outcomes, Settings settings) {
    DataStream<LatencyEvidence> fromOutcomes =
        outcomes
            .flatMap(
                (DispatchOutcome o, org.apache.flink.util.Collector<LatencyEvidence> out) ->
                    LatencyEvidence.of(o).ifPresent(out::collect))
            .returns(JsonRecordTypeInfo.of(LatencyEvidence.class))
            .name("latency evidence from outcomes")
            .uid(UID_LATENCY_FROM_OUTCOMES);
    DataStream<LatencyEvidence> fromDeliveries =
        signals
            .flatMap(
                (Signal s, org.apache.flink.util.Collector<LatencyEvidence> out) ->
                    LatencyEvidence.of(s).ifPresent(out::collect))
            .returns(JsonRecordTypeInfo.of(LatencyEvidence.class))
            .name("latency evidence from deliveries")
            .uid(UID_LATENCY_FROM_SIGNALS);
    return fromOutcomes
        .union(fromDeliveries)
        .keyBy(LatencyEvidence::decisionId)
        .process(new LatencyJoin())
        .returns(JsonRecordTypeInfo.of(LatencySample.class))
        .name("pair dispatch and delivery")
        .uid(UID_LATENCY_JOIN)
        .keyBy(LatencySample::channel)
        .process(new LatencyLearner(settings.decide().defaultLatency()))
        .returns(JsonRecordTypeInfo.of(ControlInput.LatencyUpdate.class))
        .name("learn channel latency")
        .uid(UID_LATENCY_LEARNER);
  }
}
