package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerExtensionTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void producesAndConsumesKeyedRecords() {
    String topic = KAFKA.uniqueTopic("plain");
    KAFKA.createTopics(topic);

    KAFKA.produce(topic, "u1", "a");
    KAFKA.produce(topic, List.of(Map.entry("u2", "b"), Map.entry("u1", "c")));

    List<ConsumerRecord<String, String>> records = KAFKA.consumeAtLeast(topic, 3, TIMEOUT);
    assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("a", "b", "c");
    // One key always lands on one partition, in order.
    assertThat(records.stream().filter(r -> r.key().equals("u1")).map(ConsumerRecord::value))
        .containsExactly("a", "c");
    assertThat(KAFKA.consumeAll(topic, Duration.ofMillis(500))).hasSize(3);
  }

  @Test
  void readCommittedSeesOnlyCommittedTransactions() {
    String topic = KAFKA.uniqueTopic("tx");
    KAFKA.createTopics(topic);

    Properties tx = new Properties();
    tx.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "testkit-" + topic);
    // Flink's exactly-once sink asks for long transactions; the broker must accept them.
    tx.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
    try (KafkaProducer<String, String> producer = KAFKA.newProducer(tx)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.flush();
      producer.abortTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
      producer.commitTransaction();
    }

    assertThat(KAFKA.consumeAtLeast(topic, 2, TIMEOUT))
        .extracting(ConsumerRecord::value)
        .containsExactly("committed-1", "committed-2");
    assertThat(KAFKA.consumeAll(topic, Duration.ofMillis(500)))
        .extracting(ConsumerRecord::value)
        .doesNotContain("aborted");
  }

  @Test
  void createsCompactedTopics() throws Exception {
    String topic = KAFKA.uniqueTopic("compacted");
    KAFKA.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));

    try (Admin admin = KAFKA.admin()) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      ConfigEntry policy =
          admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy");
      assertThat(policy.value()).isEqualTo("compact");
      assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
          .hasSize(1);
    }
  }

  @Test
  void consumeAtLeastListsWhatArrivedWhenTooFewCame() {
    String topic = KAFKA.uniqueTopic("short");
    KAFKA.createTopics(topic);
    KAFKA.produce(topic, "only", "one");

    assertThatThrownBy(() -> KAFKA.consumeAtLeast(topic, 2, Duration.ofSeconds(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected at least 2")
        .hasMessageContaining("got 1")
        .hasMessageContaining("key=only value=one");
  }
}
