package com.sendflowr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench dispatch} end to end on a tiny load: the report has every field, every due decision
 * reached its sandbox once (Klaviyo's, or Iterable's for the rate-limit phase) and has its
 * committed outcome. Speed, precision and pacing are what the benchmark measures, so nothing here
 * asserts on them.
 */
class DispatchBenchSmokeTest {

  @Test
  void printsACompleteReport(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("report.json");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int exit =
        BenchCli.run(
            new String[] {
              "dispatch",
              "--pending",
              "300",
              "--due-in-one-minute",
              "40",
              "--due-spread",
              "PT4S",
              "--warmup-decisions",
              "100",
              "--warmup-rounds",
              "2",
              "--throughput-decisions",
              // More than two bulk jobs' worth, so the phase has a first and a last call to time.
              "2500",
              "--rate-limit-per-second",
              "20",
              "--rate-limit-decisions",
              "60",
              "--outage-seconds",
              "5",
              "--outage-decisions",
              "20",
              "--lateness-budget-seconds",
              "120",
              "--checkpoint-interval",
              "PT1S",
              "--parallelism",
              "2",
              "--managed-memory",
              "128m",
              "--out",
              file.toString()
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);

    assertThat(exit).isZero();
    String printed = stdout.toString(StandardCharsets.UTF_8).trim();
    assertThat(Files.readString(file).trim()).isEqualTo(printed);
    JsonNode r = new ObjectMapper().readTree(printed);

    assertThat(r.path("benchmark").asText()).isEqualTo("dispatch");
    assertThat(r.path("state_backend").asText()).isEqualTo("rocksdb");
    assertThat(r.path("parallelism").asInt()).isEqualTo(2);
    assertThat(r.path("pending_timers").asLong()).isEqualTo(300);

    // Every due decision: one event at its sandbox, one committed outcome, accepted.
    int due = 40 + 2 * 100 + 2_500 + 60 + 20;
    assertThat(r.path("duplicates").asLong()).isZero();
    assertThat(r.path("missing").asLong()).isZero();
    assertThat(r.path("without_outcome").asLong()).isZero();
    assertThat(r.path("events").asLong()).isEqualTo(due);
    assertThat(r.path("outcomes").path("accepted").asLong()).isEqualTo(due);
    assertThat(r.path("dead_letters").asLong()).isZero();
    assertThat(r.path("precision_events").asLong()).isEqualTo(40);
    assertThat(r.path("warmup_decisions").asInt()).isEqualTo(100);
    assertThat(r.path("warmup_rounds").asInt()).isEqualTo(2);
    assertThat(r.path("throughput_events").asLong()).isEqualTo(2_500);
    // One call per event or fewer (bulk calls); a throttled call is a call too.
    assertThat(r.path("calls").asLong()).isPositive();
    assertThat(r.path("throughput_calls").asLong()).isBetween(3L, 2_500L);

    // Never before the trigger; the percentiles in order.
    double min = r.path("lateness_min_ms").asDouble();
    double p50 = r.path("lateness_p50_ms").asDouble();
    double p99 = r.path("lateness_p99_ms").asDouble();
    double max = r.path("lateness_max_ms").asDouble();
    assertThat(min).isNotNegative();
    assertThat(p50).isBetween(min, p99);
    assertThat(p99).isLessThanOrEqualTo(max);

    assertThat(r.path("dispatches_per_second").asDouble()).isPositive();
    assertThat(r.path("rate_limit_per_second").asInt()).isEqualTo(20);
    assertThat(r.path("rate_limit_per_minute").asInt()).isEqualTo(1200);
    // The rate-limit phase runs against Iterable by default: one call per decision.
    assertThat(r.path("rate_limit_esp").asText()).isEqualTo("iterable");
    assertThat(r.path("rate_limit_events").asLong()).isEqualTo(60);
    assertThat(r.path("rate_limit_calls").asLong()).isEqualTo(60);
    assertThat(r.path("rate_limit_utilisation").asDouble())
        .isCloseTo(
            r.path("rate_limit_calls_per_second").asDouble() / 20,
            org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.has("http_429")).isTrue();
    assertThat(r.path("rate_limit_http_429").asLong())
        .isNotNegative()
        .isLessThanOrEqualTo(r.path("http_429").asLong());
    assertThat(r.path("checkpoints_completed").asLong()).isPositive();

    // The outage soak: a 5 s outage within a 120 s budget, so each is delivered once afterwards.
    assertThat(r.path("outage_seconds").asInt()).isEqualTo(5);
    assertThat(r.path("outage_decisions").asInt()).isEqualTo(20);
    assertThat(r.path("outage_delivered_once").asInt()).isEqualTo(20);
    assertThat(r.path("outage_expired").asLong()).isZero();
    assertThat(r.path("outage_calls_during_outage").asLong()).isPositive();
    assertThat(r.path("outage_recovery_seconds").asDouble()).isNotNegative();

    assertThat(r.path("elapsed_seconds").asDouble()).isPositive();
    assertThat(r.path("process_cpu_seconds").asDouble()).isPositive();
    assertThat(r.has("load_average_start")).isTrue();
    assertThat(r.has("load_average_end")).isTrue();
  }
}
