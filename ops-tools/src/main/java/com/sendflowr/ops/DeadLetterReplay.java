package com.sendflowr.ops;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.RejectReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends dead letters back to the topic they came from, once their cause is fixed (an intent
 * created, a mapping corrected). It reads the dead-letter topic as it is when the replay starts
 * (committed records only, up to the end offsets of that moment), picks the ones that match, and
 * produces each payload with its key to its source topic, where the jobs read it again as new
 * input.
 *
 * <p>What makes that safe is the jobs', not this tool's: a send request carries its {@code
 * request_id}, which the timing job de-duplicates, and a request whose window has passed is
 * recorded as expired, not sent. A dead letter whose payload was truncated cannot be replayed and
 * is counted as skipped, as is one without a source topic (rejected config or outcomes the
 * dispatcher reports itself). A replayed record that is still bad is dead-lettered again.
 */
public final class DeadLetterReplay {
  /** Which dead letters to replay. Empty sets match everything. */
  public record Filter(
      Set<RejectReason> reasons, Set<String> stages, Instant since, Instant until) {
    public Filter {
      reasons = reasons == null ? Set.of() : Set.copyOf(reasons);
      stages = stages == null ? Set.of() : Set.copyOf(stages);
    }

    boolean matches(DeadLetter d) {
      return (reasons.isEmpty() || reasons.contains(d.reason()))
          && (stages.isEmpty() || stages.contains(d.stage()))
          && (since == null || !d.rejectedAt().isBefore(since))
          && (until == null || d.rejectedAt().isBefore(until));
    }
  }

  /**
   * What a replay did.
   *
   * @param replayedByTopic how many went back to each source topic (or would, in a dry run)
   */
  public record Report(
      boolean dryRun,
      long scanned,
      long matched,
      long replayed,
      long skippedTruncated,
      long skippedWithoutSource,
      long unreadable,
      Map<String, Long> replayedByTopic) {}

  private final String bootstrapServers;
  private final String deadLettersTopic;

  public DeadLetterReplay(String bootstrapServers, String deadLettersTopic) {
    this.bootstrapServers = bootstrapServers;
    this.deadLettersTopic = deadLettersTopic;
  }

  public Report replay(Filter filter, boolean dryRun)
      throws InterruptedException, ExecutionException {
    long scanned = 0;
    long matched = 0;
    long truncated = 0;
    long withoutSource = 0;
    long unreadable = 0;
    Map<String, Long> byTopic = new TreeMap<>();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig());
        KafkaProducer<String, String> producer =
            dryRun ? null : new KafkaProducer<>(producerConfig())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(deadLettersTopic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // The topic as it is now: records dead-lettered while (or because) we replay are left alone.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          scanned++;
          Parsed<DeadLetter> parsed = Contracts.parseDeadLetter(r.value());
          if (!(parsed instanceof Parsed.Ok<DeadLetter> ok)) {
            unreadable++;
            continue;
          }
          DeadLetter d = ok.value();
          if (!filter.matches(d)) {
            continue;
          }
          matched++;
          if (d.payloadTruncated()) {
            truncated++;
            continue;
          }
          if (d.sourceTopic() == null || d.sourceTopic().isEmpty()) {
            withoutSource++;
            continue;
          }
          byTopic.merge(d.sourceTopic(), 1L, Long::sum);
          if (!dryRun) {
            sent.add(producer.send(new ProducerRecord<>(d.sourceTopic(), d.key(), d.payload())));
          }
        }
      }
      if (producer != null) {
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
          f.get(); // a failed send fails the replay, which may then be run again
        }
      }
    }
    long replayed = byTopic.values().stream().mapToLong(Long::longValue).sum();
    return new Report(
        dryRun, scanned, matched, replayed, truncated, withoutSource, unreadable, byTopic);
  }

  private Properties consumerConfig() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sendflowr-dead-letter-replay-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  private Properties producerConfig() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }
}
