package com.sendflowr.flink;

/**
 * A Kafka record before parsing: kept whole so a rejection can be dead-lettered with its origin.
 *
 * @param timestamp the Kafka record timestamp in epoch millis
 */
public record RawRecord(String topic, String key, String value, long timestamp) {}
