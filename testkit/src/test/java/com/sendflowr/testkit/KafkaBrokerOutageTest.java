package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An outage: the broker goes down and comes back with its port and data. */
class KafkaBrokerOutageTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void aRestartedBrokerKeepsItsAddressAndData() throws Exception {
    String topic = KAFKA.uniqueTopic("outage");
    KAFKA.createTopics(topic);
    KAFKA.produce(topic, "k", "before");
    String address = KAFKA.bootstrapServers();

    KAFKA.stopBroker();
    Properties quick = new Properties();
    quick.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
    quick.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1500");
    quick.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
    try (KafkaProducer<String, String> producer = KAFKA.newProducer(quick)) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(topic, "k", "during"))
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }

    KAFKA.restartBroker();
    assertThat(KAFKA.bootstrapServers()).isEqualTo(address);
    KAFKA.produce(topic, "k", "after");
    assertThat(KAFKA.consumeAtLeast(topic, 2, Duration.ofSeconds(30)))
        .extracting(ConsumerRecord::value)
        .containsExactly("before", "after");
  }
}
