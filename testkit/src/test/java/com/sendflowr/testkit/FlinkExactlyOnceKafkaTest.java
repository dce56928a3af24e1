package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness's reason to exist: a Flink job writes exactly once into the test broker. */
class FlinkExactlyOnceKafkaTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static final int RECORDS = 500;
  private static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

  @Test
  void exactlyOnceSinkSurvivesAFailureWithoutDuplicates() throws Exception {
    String topic = KAFKA.uniqueTopic("eos");
    KAFKA.createTopics(topic);

    Configuration config = new Configuration();
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(2);
    env.enableCheckpointing(100);

    env.fromSequence(1, RECORDS)
        .map(
            n -> {
              // Slow enough that checkpoints complete while records flow, and one failure after
              // some transactions were committed and others were still open.
              Thread.sleep(2);
              if (n == RECORDS * 3 / 4 && FAILED_ONCE.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
              }
              return "r-" + n;
            })
        .sinkTo(
            KafkaSink.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setRecordSerializer(
                    KafkaRecordSerializationSchema.<String>builder()
                        .setTopic(topic)
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("testkit-" + topic)
                .build());
    env.execute("testkit-exactly-once");

    List<ConsumerRecord<String, String>> records = KAFKA.consumeAll(topic, Duration.ofSeconds(2));
    assertThat(FAILED_ONCE).isTrue();
    assertThat(records).extracting(ConsumerRecord::value).doesNotHaveDuplicates().hasSize(RECORDS);
  }
}
