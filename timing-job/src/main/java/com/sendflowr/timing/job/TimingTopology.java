package com.sendflowr.timing.job;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.flink.ParseOrDeadLetter;
import com.sendflowr.flink.RawRecord;
import com.sendflowr.flink.WallClockWatermarks;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The timing job's dataflow, defined from injected sources and sinks so tests run exactly what
 * production runs.
 *
 * <pre>
 * signals ──parse──┐                                   ┌─> decisions (Kafka, exactly-once)
 *                  ├─keyBy(recipient)─> decide ────────┼─> explanations (JDBC: ClickHouse | H2)
 * requests ─parse──┘                                   └─> dead letters (Kafka)
 * </pre>
 */
public final class TimingTopology {
  // Stable operator ids: savepoints map state by these, so they never change.
  public static final String UID_SIGNALS_SOURCE = "timing-signals-source";
  public static final String UID_REQUESTS_SOURCE = "timing-requests-source";
  public static final String UID_PARSE_SIGNALS = "timing-parse-signals";
  public static final String UID_PARSE_REQUESTS = "timing-parse-requests";
  public static final String UID_DECIDE = "timing-decide";
  public static final String UID_DECISIONS_SINK = "timing-decisions-sink";
  public static final String UID_EXPLANATIONS_SINK = "timing-explanations-sink";
  public static final String UID_DEAD_LETTERS_SINK = "timing-dead-letters-sink";

  private TimingTopology() {}

  /** What the topology reads. */
  public record Sources(Source<RawRecord, ?, ?> signals, Source<RawRecord, ?, ?> sendRequests) {}

  /** Where it writes. */
  public record Sinks(
      Sink<TimingDecision> decisions,
      Sink<ExplanationRow> explanations,
      Sink<DeadLetter> deadLetters) {}

  /**
   * @param defaultWindow window length for requests without {@code not_after}
   * @param defaultLatency ESP latency compensated until latency is learned
   */
  public record Settings(Duration defaultWindow, Duration defaultLatency) implements Serializable {
    public static Settings defaults() {
      return new Settings(Duration.ofHours(24), Duration.ofSeconds(2));
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
            .process(new ParseOrDeadLetter<>("timing-job/signals", Contracts::parseSignal))
            .returns(JsonRecordTypeInfo.of(Signal.class))
            .name("parse signals")
            .uid(UID_PARSE_SIGNALS);

    SingleOutputStreamOperator<SendRequest> requests =
        env.fromSource(sources.sendRequests(), watermarks, "send requests")
            .uid(UID_REQUESTS_SOURCE)
            .process(
                new ParseOrDeadLetter<>("timing-job/send-requests", Contracts::parseSendRequest))
            .returns(JsonRecordTypeInfo.of(SendRequest.class))
            .name("parse send requests")
            .uid(UID_PARSE_REQUESTS);

    SingleOutputStreamOperator<TimingDecision> decisions =
        signals
            .keyBy(Signal::recipientKey)
            .connect(requests.keyBy(SendRequest::recipientKey))
            .process(new RequestDecider(settings.defaultWindow(), settings.defaultLatency()))
            .returns(JsonRecordTypeInfo.of(TimingDecision.class))
            .name("decide")
            .uid(UID_DECIDE);

    decisions.sinkTo(sinks.decisions()).name("decisions").uid(UID_DECISIONS_SINK);
    decisions
        .getSideOutput(RequestDecider.EXPLANATIONS)
        .sinkTo(sinks.explanations())
        .name("timing_explanations")
        .uid(UID_EXPLANATIONS_SINK);

    DataStream<DeadLetter> deadLetters =
        signals
            .getSideOutput(DeadLetters.TAG)
            .union(
                requests.getSideOutput(DeadLetters.TAG), decisions.getSideOutput(DeadLetters.TAG));
    deadLetters.sinkTo(sinks.deadLetters()).name("dead letters").uid(UID_DEAD_LETTERS_SINK);
  }
}
