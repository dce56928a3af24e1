package com.sendflowr.explanations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.Topics;
import com.sendflowr.flink.JobArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderOptionsTest {
  private static final String URL = "jdbc:clickhouse://ch:8123/default?compress=false";

  @Test
  void defaultsNeedOnlyTheBrokerAndTheStore() {
    LoaderOptions o =
        LoaderOptions.from(
            JobArgs.parse(
                new String[] {"--kafka-bootstrap", "kafka:9092", "--explanations-jdbc-url", URL},
                Map.of()));
    assertThat(o.kafkaBootstrap()).isEqualTo("kafka:9092");
    assertThat(o.explanationsTopic()).isEqualTo(Topics.EXPLANATIONS);
    assertThat(o.deadLettersTopic()).isEqualTo(Topics.DEAD_LETTERS);
    assertThat(o.groupId()).isEqualTo(LoaderOptions.DEFAULT_GROUP_ID);
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.store()).isEqualTo(StoreOptions.of(URL, null, null));
  }

  @Test
  void everyFlagAlsoComesFromTheEnvironment() {
    LoaderOptions o =
        LoaderOptions.from(
            JobArgs.parse(
                new String[] {"--batch-size", "50", "--retry-backoff-max", "3s"},
                Map.of(
                    "SENDFLOWR_KAFKA_BOOTSTRAP", "k:1",
                    "SENDFLOWR_EXPLANATIONS_JDBC_URL", "jdbc:h2:mem:x",
                    "SENDFLOWR_EXPLANATIONS_JDBC_PASSWORD", "s3cret",
                    "SENDFLOWR_FLUSH_INTERVAL", "2s",
                    "SENDFLOWR_EXPLANATIONS_TOPIC", "audit")));
    assertThat(o.explanationsTopic()).isEqualTo("audit");
    assertThat(o.store().jdbcUrl()).isEqualTo("jdbc:h2:mem:x");
    assertThat(o.store().password()).isEqualTo("s3cret");
    assertThat(o.store().batchSize()).isEqualTo(50);
    assertThat(o.store().flushInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.store().backoff().max()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.store().backoff().base()).isEqualTo(StoreOptions.DEFAULT_BACKOFF.base());
  }

  @Test
  void thePasswordIsNeverShown() {
    LoaderOptions o =
        LoaderOptions.from(
            JobArgs.parse(
                new String[] {"--kafka-bootstrap", "k:1", "--explanations-jdbc-url", URL},
                Map.of("SENDFLOWR_EXPLANATIONS_JDBC_PASSWORD", "s3cret-pw")));
    assertThat(o.toString()).doesNotContain("s3cret-pw").contains("password=(set)");
  }

  /** Program arguments end up in Flink's job configuration, web UI and logs. */
  @Test
  void thePasswordIsRefusedAsAFlagAndReadFromAFile(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> options("--explanations-jdbc-password", "s3cret-pw"))
        .hasMessageContaining("SENDFLOWR_EXPLANATIONS_JDBC_PASSWORD")
        .hasMessageContaining("--explanations-jdbc-password-file")
        .hasMessageNotContaining("s3cret-pw");
    Path file = dir.resolve("password");
    Files.writeString(file, "s3cret-pw\n");
    assertThat(options("--explanations-jdbc-password-file", file.toString()).store().password())
        .isEqualTo("s3cret-pw");
  }

  @Test
  void badOptionsFailAtSubmissionWithTheFlagNamed() {
    assertThatThrownBy(() -> LoaderOptions.from(JobArgs.parse(new String[] {}, Map.of())))
        .hasMessageContaining("--explanations-jdbc-url");
    assertThatThrownBy(() -> options("--explanations-jdbc-url", "jdbc:postgresql://pg/db"))
        .hasMessageContaining("ClickHouse");
    assertThatThrownBy(() -> options("--batch-size", "lots")).hasMessageContaining("--batch-size");
    assertThatThrownBy(() -> options("--batch-size", "0")).hasMessageContaining("batch size");
    assertThatThrownBy(() -> options("--flush-interval", "soon"))
        .hasMessageContaining("--flush-interval");
    assertThatThrownBy(() -> options("--retry-backoff", "0ms")).hasMessageContaining("backoff");
  }

  private static LoaderOptions options(String flag, String value) {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("--kafka-bootstrap", "k:1");
    args.put("--explanations-jdbc-url", URL);
    args.put(flag, value);
    return LoaderOptions.from(
        JobArgs.parse(
            args.entrySet().stream()
                .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new),
            Map.of()));
  }
}
