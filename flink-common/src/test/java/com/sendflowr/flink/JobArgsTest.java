package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
