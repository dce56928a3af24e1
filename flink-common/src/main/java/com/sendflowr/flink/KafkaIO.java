package com.sendflowr.flink;

import com.sendflowr.contract.Contracts;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The one way SendFlowr jobs read and write Kafka. */
public final class KafkaIO {
  /**
   * Kept below the broker's default {@code transaction.max.timeout.ms} (15 min) and well above the
   * checkpoint interval, so a slow checkpoint never aborts an open transaction.
   */
  public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  /** The flag naming a deployment's transactional ids; see {@link #transactionalIdPrefix}. */
  public static final String TRANSACTIONAL_ID_PREFIX_FLAG = "transactional-id-prefix";

  private KafkaIO() {}

  /**
   * The deployment's transactional-id prefix, which every exactly-once sink of a job extends. It
   * has no default: two deployments on one Kafka cluster with the same prefix fence each other's
   * transactions, and a default (such as the consumer group) makes that the normal case.
   */
  public static String transactionalIdPrefix(JobArgs args) {
    return args.require(
        TRANSACTIONAL_ID_PREFIX_FLAG,
        "exactly-once Kafka sinks need a transactional-id prefix unique to this deployment on its"
            + " Kafka cluster (for example sendflowr-prod-timing); two jobs with the same prefix"
            + " abort each other's transactions, so there is no default");
  }

  /**
   * A source of raw records that only sees committed transactions, starting from the group's
   * committed offsets (earliest on first start), so nothing produced before the job started is
   * missed.
   */
  public static KafkaSource<RawRecord> rawSource(
      String bootstrapServers, String topic, String groupId) {
    return rawSource(
        bootstrapServers,
        topic,
        groupId,
        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
  }

  /**
   * A source for a compacted topic that is state, not events (connector config): without a
   * checkpoint to restore, the whole topic must be read again, whatever offsets a group committed.
   */
  public static KafkaSource<RawRecord> compactedStateSource(
      String bootstrapServers, String topic, String groupId) {
    return rawSource(bootstrapServers, topic, groupId, OffsetsInitializer.earliest());
  }

  private static KafkaSource<RawRecord> rawSource(
      String bootstrapServers, String topic, String groupId, OffsetsInitializer start) {
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(start)
        .setProperty("isolation.level", "read_committed")
        .setProperty("partition.discovery.interval.ms", "60000")
        .setDeserializer(new RawRecordDeserializer())
        .build();
  }

  /**
   * Where one kind of record goes: its topic, and its key (the recipient, so one recipient's
   * records stay ordered on one partition). The value is the record's canonical JSON.
   */
  public record Route<T>(String topic, SerializableFunction<T, String> keyOf)
      implements Serializable {
    ProducerRecord<byte[], byte[]> toProducerRecord(T element, Long timestamp) {
      String key = keyOf.apply(element);
      return new ProducerRecord<>(
          topic,
          null,
          timestamp,
          key == null ? null : key.getBytes(StandardCharsets.UTF_8),
          Contracts.toJson(element).getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * A sink writing records as canonical JSON, keyed by {@code keyOf}.
   *
   * @param transactionalIdPrefix unique per sink and job; required for exactly-once
   */
  public static <T> KafkaSink<T> jsonSink(
      String bootstrapServers,
      String topic,
      SerializableFunction<T, String> keyOf,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    Route<T> route = new Route<>(topic, keyOf);
    return jsonSink(bootstrapServers, route::toProducerRecord, guarantee, transactionalIdPrefix);
  }

  /**
   * One sink for two kinds of records, each to its own topic. Because it is one sink, both go out
   * in the same Kafka transaction: with exactly-once, a {@code read_committed} reader sees a
   * checkpoint's records on both topics or on neither.
   *
   * @param transactionalIdPrefix unique per sink and job; required for exactly-once
   */
  public static <L, R> KafkaSink<Either<L, R>> jsonSink(
      String bootstrapServers,
      Route<L> left,
      Route<R> right,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    return jsonSink(bootstrapServers, either(left, right), guarantee, transactionalIdPrefix);
  }

  static <L, R> Routing<Either<L, R>> either(Route<L> left, Route<R> right) {
    return (element, timestamp) ->
        element.isLeft()
            ? left.toProducerRecord(element.left(), timestamp)
            : right.toProducerRecord(element.right(), timestamp);
  }

  private static <T> KafkaSink<T> jsonSink(
      String bootstrapServers,
      Routing<T> routing,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrapServers)
        .setRecordSerializer(new JsonRecordSerialization<>(routing))
        .setDeliveryGuarantee(guarantee)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .setProperty("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()))
        .build();
  }

  /** Turns one element into the Kafka record it becomes. */
  @FunctionalInterface
  interface Routing<T> extends Serializable {
    ProducerRecord<byte[], byte[]> toProducerRecord(T element, Long timestamp);
  }

  static final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
      out.collect(
          new RawRecord(
              record.topic(), utf8(record.key()), utf8(record.value()), record.timestamp()));
    }

    private static String utf8(byte[] bytes) {
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
      return TypeInformation.of(RawRecord.class);
    }
  }

  static final class JsonRecordSerialization<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final Routing<T> routing;

    JsonRecordSerialization(Routing<T> routing) {
      this.routing = routing;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        T element, KafkaSinkContext context, Long timestamp) {
      return routing.toProducerRecord(element, timestamp);
    }
  }
}
