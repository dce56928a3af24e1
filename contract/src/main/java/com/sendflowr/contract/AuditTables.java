package com.sendflowr.contract;

/**
 * The audit tables the explanation loader writes and the config service reads, as DDL for
 * ClickHouse (production) and H2 (the local runner's embedded store). Here, beside the records they
 * hold, so writer and reader share one definition without the service depending on Flink.
 */
public final class AuditTables {
  private AuditTables() {}

  public static final String TIMING_EXPLANATIONS = "timing_explanations";

  public static final String DISPATCH_LOG = "dispatch_log";

  public static final String DEAD_LETTERS = "dead_letters";

  /** One row per decision version; replays collapse on the decision id. */
  public static final String TIMING_EXPLANATIONS_CLICKHOUSE =
      """
      CREATE TABLE IF NOT EXISTS timing_explanations (
        decision_id String,
        explanation_ref String,
        request_id String,
        intent_id String,
        universal_id String,
        decision_version UInt32,
        status String,
        created_at DateTime,
        created_at_ms UInt64,
        target_minute_utc UInt16,
        target_timestamp DateTime,
        trigger_timestamp DateTime,
        trigger_timestamp_ms UInt64,
        latency_estimate_seconds Float64,
        latency_source String,
        confidence_score Float64,
        model_version String,
        context_weights String,
        suppressed UInt8,
        explanation String
      ) ENGINE = ReplacingMergeTree(created_at_ms)
      PARTITION BY toYYYYMM(created_at)
      ORDER BY (decision_id)
      """;

  /** The same on H2. */
  public static final String TIMING_EXPLANATIONS_H2 =
      """
      CREATE TABLE IF NOT EXISTS timing_explanations (
        decision_id VARCHAR(256) PRIMARY KEY,
        explanation_ref VARCHAR(256),
        request_id VARCHAR(256),
        intent_id VARCHAR(256),
        universal_id VARCHAR(256),
        decision_version INT,
        status VARCHAR(32),
        created_at TIMESTAMP,
        created_at_ms BIGINT,
        target_minute_utc INT,
        target_timestamp TIMESTAMP,
        trigger_timestamp TIMESTAMP,
        trigger_timestamp_ms BIGINT,
        latency_estimate_seconds DOUBLE PRECISION,
        latency_source VARCHAR(64),
        confidence_score DOUBLE PRECISION,
        model_version VARCHAR(64),
        context_weights VARCHAR(65536),
        suppressed SMALLINT,
        explanation VARCHAR(1000000)
      )
      """;

  /** One row per dispatch outcome; replays collapse on the outcome id. */
  public static final String DISPATCH_LOG_CLICKHOUSE =
      """
      CREATE TABLE IF NOT EXISTS dispatch_log (
        outcome_id String,
        decision_id String,
        decision_version UInt32,
        request_id String,
        intent_id String,
        universal_id String,
        binding_id String,
        idempotency_key String,
        esp String,
        esp_campaign_id String,
        esp_template_id String,
        attempts UInt32,
        esp_status Nullable(Int32),
        esp_response_id String,
        trigger_timestamp DateTime,
        trigger_timestamp_ms UInt64,
        fired_at DateTime,
        fired_at_ms UInt64,
        lateness_millis Int64,
        state String,
        detail String
      ) ENGINE = ReplacingMergeTree(fired_at_ms)
      PARTITION BY toYYYYMM(trigger_timestamp)
      ORDER BY (outcome_id)
      """;

  /** The same on H2. */
  public static final String DISPATCH_LOG_H2 =
      """
      CREATE TABLE IF NOT EXISTS dispatch_log (
        outcome_id VARCHAR(256) PRIMARY KEY,
        decision_id VARCHAR(256),
        decision_version INT,
        request_id VARCHAR(256),
        intent_id VARCHAR(256),
        universal_id VARCHAR(256),
        binding_id VARCHAR(256),
        idempotency_key VARCHAR(256),
        esp VARCHAR(64),
        esp_campaign_id VARCHAR(256),
        esp_template_id VARCHAR(256),
        attempts INT,
        esp_status INT,
        esp_response_id VARCHAR(512),
        trigger_timestamp TIMESTAMP,
        trigger_timestamp_ms BIGINT,
        fired_at TIMESTAMP,
        fired_at_ms BIGINT,
        lateness_millis BIGINT,
        state VARCHAR(32),
        detail VARCHAR(1000000)
      )
      """;

  /** One row per dead letter, so operators can count them by stage and reason. */
  public static final String DEAD_LETTERS_CLICKHOUSE =
      """
      CREATE TABLE IF NOT EXISTS dead_letters (
        dead_letter_id String,
        stage String,
        source_topic String,
        record_key String,
        reason String,
        detail String,
        payload String,
        payload_truncated UInt8,
        rejected_at DateTime,
        rejected_at_ms UInt64
      ) ENGINE = ReplacingMergeTree(rejected_at_ms)
      PARTITION BY toYYYYMM(rejected_at)
      ORDER BY (dead_letter_id)
      """;

  /** The same on H2. */
  public static final String DEAD_LETTERS_H2 =
      """
      CREATE TABLE IF NOT EXISTS dead_letters (
        dead_letter_id VARCHAR(256) PRIMARY KEY,
        stage VARCHAR(256),
        source_topic VARCHAR(256),
        record_key VARCHAR(1024),
        reason VARCHAR(64),
        detail VARCHAR(65536),
        payload VARCHAR(1000000),
        payload_truncated SMALLINT,
        rejected_at TIMESTAMP,
        rejected_at_ms BIGINT
      )
      """;
}
