package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobArgsTest {

  @Test
  void flagsWinOverEnvironmentWhichWinsOverDefaults() {
    JobArgs args =
        JobArgs.parse(
            new String[] {"--kafka-bootstrap", "k:9092", "--group-id=g1", "--dry-run"},
            Map.of("SENDFLOWR_KAFKA_BOOTSTRAP", "env:9092", "SENDFLOWR_SIGNALS_TOPIC", "s"));
    assertThat(args.require("kafka-bootstrap")).isEqualTo("k:9092");
    assertThat(args.get("group-id", null)).isEqualTo("g1");
    assertThat(args.get("dry-run", null)).isEqualTo("true");
    assertThat(args.get("signals-topic", "x")).isEqualTo("s");
    assertThat(args.get("decisions-topic", "d")).isEqualTo("d");
  }

  @Test
  void durationsReadHumanAndIsoForms() {
    assertThat(JobArgs.parseDuration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(JobArgs.parseDuration("x", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(JobArgs.parseDuration("x", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(JobArgs.parseDuration("x", "2h")).isEqualTo(Duration.ofHours(2));
    assertThat(JobArgs.parseDuration("x", "PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> JobArgs.parseDuration("window", "soon"))
        .hasMessageContaining("--window");
  }

  @Test
  void missingRequiredArgumentsNameTheFlagAndTheVariable() {
    assertThatThrownBy(() -> JobArgs.parse(new String[0], Map.of()).require("kafka-bootstrap"))
        .hasMessageContaining("--kafka-bootstrap")
        .hasMessageContaining("SENDFLOWR_KAFKA_BOOTSTRAP");
  }

  /** Flink keeps program arguments in the job configuration and logs them. */
  @Test
  void secretsAreRefusedAsFlagsWithoutEchoingThem() {
    for (String flag :
        new String[] {
          "--explanations-jdbc-password", "--esp-api-key", "--encryption-key", "--auth-token"
        }) {
      assertThatThrownBy(() -> JobArgs.parse(new String[] {flag, "hunter2"}, Map.of()))
          .hasMessageContaining(flag + "-file")
          .hasMessageContaining(JobArgs.envName(flag.substring(2)))
          .hasMessageNotContaining("hunter2");
    }
    assertThatThrownBy(() -> JobArgs.parse(new String[] {"--db-password=hunter2"}, Map.of()))
        .hasMessageContaining("SENDFLOWR_DB_PASSWORD")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void secretsComeFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\n");
    assertThat(
            JobArgs.parse(new String[] {"--db-password-file", file.toString()}, Map.of())
                .secret("db-password"))
        .isEqualTo("from-file");
    assertThat(
            JobArgs.parse(new String[0], Map.of("SENDFLOWR_DB_PASSWORD_FILE", file.toString()))
                .secret("db-password"))
        .isEqualTo("from-file");
    assertThat(
            JobArgs.parse(
                    new String[] {"--db-password-file", file.toString()},
                    Map.of("SENDFLOWR_DB_PASSWORD", "from-env"))
                .secret("db-password"))
        .isEqualTo("from-env");
    assertThat(JobArgs.parse(new String[0], Map.of()).secret("db-password")).isNull();
    assertThatThrownBy(
            () ->
                JobArgs.parse(new String[] {"--db-password-file", "/no/such/file"}, Map.of())
                    .secret("db-password"))
        .hasMessageContaining("--db-password-file");
  }
}
