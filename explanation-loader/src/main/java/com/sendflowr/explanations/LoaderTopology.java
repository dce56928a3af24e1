package com.sendflowr.explanations;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.flink.ParseOrDeadLetter;
import com.sendflowr.flink.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The explanation loader's dataflow, defined from injected source and sinks so tests run exactly
 * what production runs.
 *
 * <pre>
 * explanations (Kafka, read_committed) ──parse──> store (JdbcSink, retried without end)
 *                                          └────> dead letters (Kafka)
 * </pre>
 */
public final class LoaderTopology {
  // Stable operator ids: savepoints map state by these, so they never change.
  public static final String UID_SOURCE = "explanation-loader-source";
  public static final String UID_PARSE = "explanation-loader-parse";
  public static final String UID_STORE_SINK = "explanation-loader-store-sink";
  public static final String UID_DEAD_LETTERS_SINK = "explanation-loader-dead-letters-sink";

  /** Names the loader in the dead letters it writes. */
  public static final String STAGE = "explanation-loader/explanations";

  private LoaderTopology() {}

  public record Sources(Source<RawRecord, ?, ?> explanations) {}

  public record Sinks(Sink<ExplanationRow> store, Sink<DeadLetter> deadLetters) {}

  public static void define(StreamExecutionEnvironment env, Sources sources, Sinks sinks) {
    SingleOutputStreamOperator<ExplanationRow> rows =
        env.fromSource(sources.explanations(), WatermarkStrategy.noWatermarks(), "explanations")
            .uid(UID_SOURCE)
            .process(new ParseOrDeadLetter<>(STAGE, Contracts::parseExplanationRow))
            .returns(JsonRecordTypeInfo.of(ExplanationRow.class))
            .name("parse explanation rows")
            .uid(UID_PARSE);
    rows.sinkTo(sinks.store()).name("timing_explanations").uid(UID_STORE_SINK);
    rows.getSideOutput(DeadLetters.TAG)
        .sinkTo(sinks.deadLetters())
        .name("dead letters")
        .uid(UID_DEAD_LETTERS_SINK);
  }
}
