package com.sendflowr.explanations;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.ClickHouseExtension;
import com.sendflowr.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How fast the loader copies a backlog of explanation rows from a real broker into real ClickHouse
 * (the server named by {@code SENDFLOWR_CLICKHOUSE_HTTP_URL}, or a private one), on a local Flink
 * runtime. A backlog is what an outage leaves, so this is the catch-up rate. Prints one JSON line.
 *
 * <p>Flags: {@code --rows} (200000), {@code --parallelism} (2), {@code --batch-size} (1000).
 */
public final class LoaderBenchmark {
  private LoaderBenchmark() {}

  public static void main(String[] argv) throws Exception {
    JobArgs args = JobArgs.parse(argv, Map.of());
    int rows = Integer.parseInt(args.get("rows", "200000"));
    int parallelism = Integer.parseInt(args.get("parallelism", "2"));
    int batchSize = Integer.parseInt(args.get("batch-size", "1000"));

    KafkaBrokerExtension kafka = new KafkaBrokerExtension();
    ClickHouseExtension clickhouse = new ClickHouseExtension();
    kafka.start();
    clickhouse.start();
    try {
      String topic = kafka.uniqueTopic("explanations");
      String deadLetters = kafka.uniqueTopic("dead-letters");
      kafka.createTopic(topic, parallelism, Map.of());
      kafka.createTopics(deadLetters);
      String db = clickhouse.freshDatabase();
      clickhouse.execute(db, ExplanationStore.CLICKHOUSE_DDL);
      long bytes = produceBacklog(kafka, topic, rows);

      Configuration config = new Configuration();
      config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createLocalEnvironment(parallelism, config);
      ExplanationLoader.wire(
          env,
          new LoaderOptions(
              kafka.bootstrapServers(),
              topic,
              null,
              deadLetters,
              false,
              "loader-benchmark",
              Duration.ofSeconds(10),
              new StoreOptions(
                  clickhouse.jdbcUrl(db),
                  null,
                  null,
                  batchSize,
                  StoreOptions.DEFAULT_FLUSH_INTERVAL,
                  StoreOptions.DEFAULT_BACKOFF)));
      JobClient job = env.executeAsync("loader-benchmark");
      while (job.getJobStatus().get() != JobStatus.RUNNING) {
        Thread.sleep(20);
      }
      Instant start = Instant.now();
      String count = "SELECT count() FROM " + db + "." + ExplanationStore.TABLE;
      while (clickhouse.queryLong(count) < rows) {
        Thread.sleep(100);
      }
      double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      job.cancel().get();
      System.out.printf(
          "{\"rows\":%d,\"row_bytes\":%d,\"parallelism\":%d,\"batch_size\":%d,"
              + "\"seconds\":%.1f,\"rows_per_second\":%.0f,\"store\":\"%s\"}%n",
          rows, bytes / rows, parallelism, batchSize, seconds, rows / seconds, clickhouse);
    } finally {
      clickhouse.stop();
      kafka.stop();
    }
    System.exit(0); // Flink's and Kafka's non-daemon threads would otherwise keep the JVM alive
  }

  /** Rows as the timing job writes them, for distinct decisions; returns the bytes produced. */
  private static long produceBacklog(KafkaBrokerExtension kafka, String topic, int rows) {
    Properties props = new Properties();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    Instant trigger = Instant.now().plus(Duration.ofMinutes(10));
    long bytes = 0;
    try (KafkaProducer<String, String> producer = kafka.newProducer(props)) {
      for (int i = 0; i < rows; i++) {
        ExplanationRow row =
            ContractSamples.explanationRow(
                ContractSamples.decision(
                    "req-" + i,
                    1,
                    DecisionStatus.SCHEDULED,
                    trigger,
                    trigger.plus(Duration.ofHours(1)),
                    Map.of()));
        String json = Contracts.toJson(row);
        bytes += json.length();
        producer.send(new ProducerRecord<>(topic, row.universalId(), json));
      }
      producer.flush();
    }
    return bytes;
  }
}
