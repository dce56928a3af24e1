package com.sendflowr.config;

import com.sendflowr.contract.ConfigChange;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.flink.ParseOrDeadLetter;
import com.sendflowr.flink.RawRecord;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The one way a job reads the compacted connector-config topic: skip compaction tombstones, parse
 * strictly, dead-letter what the job is responsible for validating. Both jobs call it, so they read
 * config alike; what each keeps of it lives in the broadcast-state descriptors of {@link
 * ConnectorConfig}, where the version rule (only newer versions apply) is also shared.
 */
public final class ConfigStream {
  private ConfigStream() {}

  /**
   * Stable operator uids. Each job keeps its own prefix, so savepoints taken before this builder
   * existed still map onto the same operators.
   */
  public record Uids(String source, String tombstoneFilter, String parse) {
    public static Uids withPrefix(String job) {
      return new Uids(job + "-config-source", job + "-config-source-filter", job + "-parse-config");
    }
  }

  /**
   * @param stage the dead letters' {@code stage}, e.g. {@code dispatch-job/connector-config}
   * @param validated the entity types this job validates (and dead-letters when malformed); the
   *     others pass through unchecked, so one bad entity is dead-lettered once, by the job that
   *     uses it
   */
  public static SingleOutputStreamOperator<ConfigChange> read(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      WatermarkStrategy<RawRecord> watermarks,
      String stage,
      Set<String> validated,
      Uids uids) {
    Set<String> types = Set.copyOf(validated);
    return env.fromSource(source, watermarks, "connector config")
        // Config is small and broadcast anyway; one reader also means no reader without a
        // partition, whose watermark would hold back every timer downstream.
        .setParallelism(1)
        .uid(uids.source())
        // Null-valued records are compaction tombstones, already expressed as tombstone changes.
        .filter(raw -> raw.value() != null)
        .setParallelism(1)
        .name("skip compaction tombstones")
        .uid(uids.tombstoneFilter())
        .process(new ParseOrDeadLetter<>(stage, json -> ConnectorConfig.parse(json, types)))
        .returns(JsonRecordTypeInfo.of(ConfigChange.class))
        .setParallelism(1)
        .name("parse connector config")
        .uid(uids.parse());
  }
}
