package com.sendflowr.explanations;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.flink.ParseOrDeadLetter;
import com.sendflowr.flink.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The audit loader's dataflow, defined from injected sources and sinks so tests run exactly what
 * production runs.
 *
 * <pre>
 * explanations (Kafka, read_committed) ──parse──> timing_explanations (JdbcSink, retried without end)
 * dispatch outcomes (Kafka, read_committed) ─parse─> dispatch_log (the same)
 *                                      both ────> dead letters (Kafka)
 * dead letters (Kafka) ──parse──> dead_letters (the same); an unreadable one is not
 *                                 dead-lettered again (it would loop)
 * </pre>
 */
public final class LoaderTopology {
  // Stable operator ids: savepoints map state by these, so they never change.
  public static final String UID_SOURCE = "explanation-loader-source";
  public static final String UID_PARSE = "explanation-loader-parse";
  public static final String UID_STORE_SINK = "explanation-loader-store-sink";
  public static final String UID_DEAD_LETTERS_SINK = "explanation-loader-dead-letters-sink";
  public static final String UID_OUTCOMES_SOURCE = "explanation-loader-outcomes-source";
  public static final String UID_PARSE_OUTCOMES = "explanation-loader-parse-outcomes";
  public static final String UID_DISPATCH_LOG_SINK = "explanation-loader-dispatch-log-sink";
  public static final String UID_DEAD_LETTERS_SOURCE = "explanation-loader-dead-letters-source";
  public static final String UID_PARSE_DEAD_LETTERS = "explanation-loader-parse-dead-letters";
  public static final String UID_DEAD_LETTER_LOG_SINK = "explanation-loader-dead-letter-log-sink";

  /** Names the loader in the dead letters it writes. */
  public static final String STAGE = "explanation-loader/explanations";

  public static final String OUTCOMES_STAGE = "explanation-loader/dispatch-outcomes";

  public static final String DEAD_LETTERS_STAGE = "explanation-loader/dead-letters";

  private LoaderTopology() {}

  /**
   * @param outcomes the dispatch outcomes, or null not to load them
   * @param deadLetters the dead-letter topic, or null not to load it
   */
  public record Sources(
      Source<RawRecord, ?, ?> explanations,
      Source<RawRecord, ?, ?> outcomes,
      Source<RawRecord, ?, ?> deadLetters) {}

  /**
   * @param dispatchLog where outcomes go; null when there is no outcomes source
   * @param deadLetterLog where loaded dead letters go; null when there is no dead-letter source
   * @param deadLetters where this job's own rejects go (Kafka)
   */
  public record Sinks(
      Sink<ExplanationRow> store,
      Sink<DispatchOutcome> dispatchLog,
      Sink<DeadLetter> deadLetterLog,
      Sink<DeadLetter> deadLetters) {}

  public static void define(StreamExecutionEnvironment env, Sources sources, Sinks sinks) {
    SingleOutputStreamOperator<ExplanationRow> rows =
        env.fromSource(sources.explanations(), WatermarkStrategy.noWatermarks(), "explanations")
            .uid(UID_SOURCE)
            .process(new ParseOrDeadLetter<>(STAGE, Contracts::parseExplanationRow))
            .returns(JsonRecordTypeInfo.of(ExplanationRow.class))
            .name("parse explanation rows")
            .uid(UID_PARSE);
    rows.sinkTo(sinks.store()).name("timing_explanations").uid(UID_STORE_SINK);
    DataStream<DeadLetter> deadLetters = rows.getSideOutput(DeadLetters.TAG);
    if (sources.outcomes() != null) {
      SingleOutputStreamOperator<DispatchOutcome> outcomes =
          env.fromSource(sources.outcomes(), WatermarkStrategy.noWatermarks(), "dispatch outcomes")
              .uid(UID_OUTCOMES_SOURCE)
              .process(new ParseOrDeadLetter<>(OUTCOMES_STAGE, Contracts::parseDispatchOutcome))
              .returns(JsonRecordTypeInfo.of(DispatchOutcome.class))
              .name("parse dispatch outcomes")
              .uid(UID_PARSE_OUTCOMES);
      outcomes.sinkTo(sinks.dispatchLog()).name("dispatch_log").uid(UID_DISPATCH_LOG_SINK);
      deadLetters = deadLetters.union(outcomes.getSideOutput(DeadLetters.TAG));
    }
    deadLetters.sinkTo(sinks.deadLetters()).name("dead letters").uid(UID_DEAD_LETTERS_SINK);
    if (sources.deadLetters() != null) {
      // Its side output goes nowhere: a dead letter that cannot be read would be dead-lettered
      // into the topic it came from, again and again. It stays in the topic, only not in the
      // table (the jobs write this topic through the same contract, so it does not happen).
      env.fromSource(sources.deadLetters(), WatermarkStrategy.noWatermarks(), "dead letters in")
          .uid(UID_DEAD_LETTERS_SOURCE)
          .process(new ParseOrDeadLetter<>(DEAD_LETTERS_STAGE, Contracts::parseDeadLetter))
          .returns(JsonRecordTypeInfo.of(DeadLetter.class))
          .name("parse dead letters")
          .uid(UID_PARSE_DEAD_LETTERS)
          .sinkTo(sinks.deadLetterLog())
          .name("dead_letters")
          .uid(UID_DEAD_LETTER_LOG_SINK);
    }
  }
}
