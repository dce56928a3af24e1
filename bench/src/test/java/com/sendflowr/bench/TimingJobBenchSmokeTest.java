package com.sendflowr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench timing-job} end to end on a tiny load: the report has every field and its numbers
 * agree with each other. Speed is what the benchmark measures, so nothing here asserts on it.
 */
class TimingJobBenchSmokeTest {

  @Test
  void printsACompleteReport(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("report.json");
    String printed = runTinyJob("--out", file.toString());
    assertThat(Files.readString(file).trim()).isEqualTo(printed);
    JsonNode r = new ObjectMapper().readTree(printed);

    assertThat(r.path("state_backend").asText()).isEqualTo("rocksdb");
    assertThat(r.path("state_changelog").asBoolean()).isFalse();
    assertThat(r.path("recipients").asInt()).isEqualTo(40);
    assertThat(r.path("signals").asLong()).isEqualTo(200);
    assertThat(r.path("signals_per_second").asDouble()).isPositive();
    assertThat(r.path("signals_per_second_per_core").asDouble())
        .isCloseTo(
            r.path("signals_per_second").asDouble() / r.path("cores").asInt(),
            org.assertj.core.data.Offset.offset(0.1));

    double cpu = r.path("process_cpu_seconds_during_signals").asDouble();
    assertThat(cpu).isPositive();
    assertThat(r.path("signals_per_cpu_second").asDouble())
        .isCloseTo(200 / cpu, org.assertj.core.data.Percentage.withPercentage(1));

    long requests = r.path("requests").asLong();
    assertThat(requests).isPositive();
    assertThat(r.path("first_decisions").asLong()).isEqualTo(requests);
    assertThat(r.path("requests_without_decision").asLong()).isZero();
    assertThat(r.path("decisions").asLong()).isGreaterThanOrEqualTo(requests);
    assertThat(r.path("decisions_per_second").asDouble()).isPositive();
    assertThat(r.path("dead_letters").asLong()).isZero();
    double p50 = r.path("request_to_decision_p50_ms").asDouble();
    double p99 = r.path("request_to_decision_p99_ms").asDouble();
    assertThat(p50).isNotNegative();
    assertThat(p99).isGreaterThanOrEqualTo(p50);
    // Visible to a read_committed reader only after the decide operator made the decision.
    assertThat(p99).isGreaterThanOrEqualTo(r.path("request_to_decided_p99_ms").asDouble());

    long checkpoint = r.path("checkpoint_bytes").asLong();
    long decide = r.path("decide_state_bytes").asLong();
    assertThat(r.path("checkpoint_duration_ms").asLong()).isNotNegative();
    assertThat(decide).isPositive().isLessThanOrEqualTo(checkpoint);
    // Every recipient holds at least its serialised engagement state (1,943 bytes).
    assertThat(r.path("state_bytes_per_recipient").asDouble())
        .isGreaterThan(1_943)
        .isEqualTo(Math.round(decide * 10.0 / 40) / 10.0);
    assertThat(r.path("rocksdb_live_data_bytes").asLong()).isPositive();
    assertThat(r.path("checkpoints_during_run").asLong()).isPositive();
    if (r.hasNonNull("signals_per_cpu_second_steady")) { // left out when not measurable
      assertThat(r.path("signals_per_cpu_second_steady").asDouble()).isPositive();
    }
    if (r.hasNonNull("requests_steady")) { // a subset of the requests, with their latencies
      assertThat(r.path("requests_steady").asLong()).isBetween(0L, requests);
    }
  }

  @Test
  void theFloorKeepsARecipientSizedValuePerRecipientAndDecidesNothing(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int exit =
        BenchCli.run(
            new String[] {
              "timing-job",
              "--topology",
              "floor",
              "--recipients",
              "40",
              "--signals",
              "400",
              "--parallelism",
              "2",
              "--managed-memory",
              "128m"
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);

    assertThat(exit).isZero();
    JsonNode r = new ObjectMapper().readTree(stdout.toString(StandardCharsets.UTF_8).trim());
    assertThat(r.path("benchmark").asText()).isEqualTo("timing-job-floor");
    assertThat(r.path("signals").asLong()).isEqualTo(400);
    assertThat(r.path("requests").asLong()).isZero();
    assertThat(r.path("decisions").asLong()).isZero();
    assertThat(r.path("signals_per_second").asDouble()).isPositive();
    // One incompressible value of a recipient state's size per recipient, as the job holds.
    assertThat(r.path("state_bytes_per_recipient").asDouble())
        .isGreaterThan(FloorJob.ReadModifyWrite.VALUE_BYTES);
  }

  @Test
  void theFloorRefusesRequestsItCouldNotDecide() {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit =
        BenchCli.run(
            new String[] {"timing-job", "--topology", "floor", "--request-rate", "5"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(2);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--request-rate must be 0");
  }

  @Test
  void runsTheJobOnTheChangelogStateBackend() throws Exception {
    JsonNode r = new ObjectMapper().readTree(runTinyJob("--changelog"));
    assertThat(r.path("state_changelog").asBoolean()).isTrue();
    assertThat(r.path("first_decisions").asLong()).isEqualTo(r.path("requests").asLong());
    assertThat(r.path("requests_without_decision").asLong()).isZero();
    // The checkpoint after the load (a regular one: the changelog cannot take a full one) holds
    // every recipient's engagement state, materialised or logged.
    assertThat(r.path("state_bytes_per_recipient").asDouble()).isGreaterThan(1_943);
  }

  /** The timing job on a tiny load (40 recipients, 200 signals, 20 requests/s): its report. */
  private static String runTinyJob(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "timing-job",
                "--recipients",
                "40",
                "--signals",
                "200",
                "--request-rate",
                "20",
                "--parallelism",
                "2",
                "--managed-memory",
                "128m"));
    args.addAll(List.of(more));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int exit =
        BenchCli.run(
            args.toArray(String[]::new),
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(exit).isZero();
    return stdout.toString(StandardCharsets.UTF_8).trim();
  }

  @Test
  void theSteadyWindowStartsAtItsShareAndLeavesACpuRateItCannotMeasureOut() {
    // {nanos, committed signals, process CPU nanos}
    List<long[]> commits =
        List.of(
            new long[] {0, 50, 0},
            new long[] {1_000_000_000L, 100, 1_000_000_000L},
            new long[] {2_000_000_000L, 500, 3_000_000_000L},
            new long[] {3_000_000_000L, 1_000, 5_000_000_000L});
    TimingJobBench.Steady fromTenth = TimingJobBench.steady(commits, 1_000, 0.1).orElseThrow();
    assertThat(fromTenth.signalsPerSecond()).isEqualTo(450.0); // 900 signals in 2 s
    assertThat(fromTenth.signalsPerCpuSecond()).isEqualTo(225.0); // over 4 CPU-seconds
    TimingJobBench.Steady fromHalf = TimingJobBench.steady(commits, 1_000, 0.5).orElseThrow();
    assertThat(fromHalf.signalsPerSecond()).isEqualTo(500.0);
    assertThat(fromTenth.startNanos()).isEqualTo(1_000_000_000L);
    assertThat(fromHalf.startNanos()).isEqualTo(2_000_000_000L);
    assertThat(TimingJobBench.steady(commits, 1_000, 0.99)).isEmpty();

    List<long[]> sameCpuClock = List.of(new long[] {0, 100, 7}, new long[] {50_000_000L, 200, 7});
    TimingJobBench.Steady tooShort = TimingJobBench.steady(sameCpuClock, 200, 0.1).orElseThrow();
    assertThat(tooShort.signalsPerSecond()).isEqualTo(2_000.0);
    assertThat(tooShort.signalsPerCpuSecond()).isNull();
  }

  @Test
  void steadyLatenciesAreThoseOfRequestsProducedFromTheWindowsStartOn() {
    TimingJobBench.Samples all = new TimingJobBench.Samples();
    for (int i = 0; i < 100; i++) {
      // the first 50 requests, sent during start-up, waited 10 s; the later ones 100-149 ms
      all.add(1_000L + i, i < 50 ? 10_000 : 100 + (i - 50));
    }
    TimingJobBench.Samples steady = all.sentSince(1_050L);

    assertThat(all.percentile(99)).isEqualTo(10_000.0);
    assertThat(steady.size()).isEqualTo(50);
    assertThat(steady.percentile(50)).isEqualTo(124.0);
    assertThat(steady.percentile(99)).isEqualTo(149.0);
    assertThat(all.sentSince(5_000L).percentile(99)).isNull();
  }
}
