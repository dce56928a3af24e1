package com.sendflowr.bench;

import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.timing.job.ExplanationStore;
import com.sendflowr.timing.job.TimingJob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The timing job under benchmark, built by the same {@code wire} its main calls: the one place to
 * adapt when the job's flags change.
 */
final class BenchJob {
  private BenchJob() {}

  /** The job's topics for one run: fresh names, so runs never read each other's records. */
  record Topics(
      String signals,
      String requests,
      String outcomes,
      String config,
      String decisions,
      String explanations,
      String handoffs,
      String deadLetters) {

    static Topics fresh(KafkaBrokerExtension kafka) {
      return new Topics(
          kafka.uniqueTopic("signals"),
          kafka.uniqueTopic("send-requests"),
          kafka.uniqueTopic("dispatch-outcomes"),
          kafka.uniqueTopic("connector-config"),
          kafka.uniqueTopic("decisions"),
          kafka.uniqueTopic("explanations"),
          kafka.uniqueTopic("recipient-handoffs"),
          kafka.uniqueTopic("dead-letters"));
    }

    /** One partition per parallel reader; config is compacted, as in production. */
    void create(KafkaBrokerExtension kafka, int partitions) {
      for (String t :
          List.of(signals, requests, outcomes, decisions, explanations, handoffs, deadLetters)) {
        kafka.createTopic(t, partitions, Map.of());
      }
      kafka.createTopic(config, 1, Map.of("cleanup.policy", "compact"));
    }
  }

  /**
   * Defines the job on {@code env} exactly as {@code TimingJob.main} would with these flags.
   *
   * @param explanationsJdbcUrl the store the job writes explanation rows to (see {@link
   *     ExplanationStoreHandle})
   */
  static void wire(
      StreamExecutionEnvironment env,
      String kafkaBootstrap,
      Topics topics,
      String groupId,
      Duration checkpointInterval,
      String explanationsJdbcUrl) {
    List<String> argv = new ArrayList<>();
    add(argv, "kafka-bootstrap", kafkaBootstrap);
    add(argv, "signals-topic", topics.signals());
    add(argv, "send-requests-topic", topics.requests());
    add(argv, "dispatch-outcomes-topic", topics.outcomes());
    add(argv, "connector-config-topic", topics.config());
    add(argv, "decisions-topic", topics.decisions());
    // Flags of the job's next versions are passed already (explanation rows and recipient
    // hand-offs on Kafka); a job that does not know a flag ignores it.
    add(argv, "explanations-topic", topics.explanations());
    add(argv, "handoffs-topic", topics.handoffs());
    add(argv, "dead-letters-topic", topics.deadLetters());
    add(argv, "explanations-jdbc-url", explanationsJdbcUrl);
    add(argv, "group-id", groupId);
    add(argv, "checkpoint-interval", checkpointInterval.toMillis() + "ms");
    // Only these flags: a developer's SENDFLOWR_* environment must not change what is measured.
    TimingJob.wire(env, JobArgs.parse(argv.toArray(String[]::new), Map.of()));
  }

  private static void add(List<String> argv, String name, String value) {
    argv.add("--" + name);
    argv.add(value);
  }

  /**
   * An embedded H2 explanation store with its table, for the job's JDBC explanation sink. Its
   * connection keeps the in-memory database alive until closed.
   */
  record ExplanationStoreHandle(String url, Connection connection) implements AutoCloseable {
    static ExplanationStoreHandle open() throws SQLException {
      String url = "jdbc:h2:mem:bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      Connection c = DriverManager.getConnection(url);
      try (Statement st = c.createStatement()) {
        st.execute(ExplanationStore.ddlFor(url));
      }
      return new ExplanationStoreHandle(url, c);
    }

    @Override
    public void close() throws SQLException {
      try (Statement st = connection.createStatement()) {
        st.execute("SHUTDOWN");
      } finally {
        connection.close();
      }
    }
  }
}
