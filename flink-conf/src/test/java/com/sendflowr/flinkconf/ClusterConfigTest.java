package com.sendflowr.flinkconf;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.JobEnvironment.CheckpointPolicy;
import com.sendflowr.flink.KafkaIO;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;

/** Reads config.yaml with Flink's own loader, so a typo or a renamed key fails the build. */
class ClusterConfigTest {
  static final Configuration CONFIG =
      GlobalConfiguration.loadConfiguration(Path.of("").toAbsolutePath().toString());
  static final CheckpointPolicy DEFAULT_POLICY =
      CheckpointPolicy.forInterval(CheckpointPolicy.DEFAULT_INTERVAL);

  @Test
  void recipientStateIsInRocksDbWithIncrementalExactlyOnceCheckpoints() {
    assertThat(CONFIG.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(CONFIG.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(CONFIG.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:");
    assertThat(CONFIG.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:");
  }

  /**
   * The jobs set their checkpointing in code (JobEnvironment); the cluster's file says the same, so
   * the cluster's other jobs and the people reading it get the same settings.
   */
  @Test
  void checkpointingAndRestartsAreWhatTheJobsSetInCode() {
    Configuration jobs = JobEnvironment.settings(DEFAULT_POLICY);
    for (String key : jobs.keySet()) {
      String inFile = CONFIG.getString(key, null);
      assertThat(inFile).as(key).isNotNull();
      assertThat(normalized(inFile)).as(key).isEqualTo(normalized(jobs.getString(key, null)));
    }
    assertThat(CONFIG.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
  }

  /**
   * A transaction opened at one checkpoint is committed when the next successful one completes, or
   * by the restarted job after a failure: all of it must fit inside the Kafka transaction timeout,
   * or the broker aborts records whose checkpoint Flink considers complete.
   */
  @Test
  void theKafkaTransactionTimeoutCoversCheckpointsFailuresAndARestart() {
    Duration interval = CONFIG.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
    Duration timeout = CONFIG.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
    Duration minPause = CONFIG.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS);
    int tolerable = CONFIG.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER);
    Duration maxBackoff =
        CONFIG.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF);
    Duration restartBudget = maxBackoff.plusMinutes(1);

    assertThat(tolerable).as("a failure budget").isPositive();
    assertThat(KafkaIO.TRANSACTION_TIMEOUT)
        .isGreaterThan(timeout.plus(interval).plus(restartBudget))
        .isGreaterThan(
            interval.plus(minPause).plus(timeout).multipliedBy(tolerable + 1L).plus(restartBudget));
    assertThat(restartBudget).isEqualTo(CheckpointPolicy.RESTART_BUDGET);
  }

  /** "10s" and "10 s" are one duration; "true" and "TRUE" one boolean. */
  private static String normalized(String value) {
    try {
      return org.apache.flink.util.TimeUtils.parseDuration(value).toString();
    } catch (RuntimeException notADuration) {
      return value.toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Savepoints map onto an upgraded job only through explicit operator uids. */
  @Test
  void operatorsNeedExplicitUids() {
    assertThat(CONFIG.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
  }

  /** The REST API runs jobs and cancels them: loopback only, and no jar upload. */
  @Test
  void theRestApiListensOnLoopbackOnlyAndRefusesJarUploads() throws Exception {
    assertThat(CONFIG.get(RestOptions.BIND_ADDRESS)).isIn("localhost", "127.0.0.1");
    assertThat(
            java.net.InetAddress.getByName(CONFIG.get(RestOptions.BIND_ADDRESS))
                .isLoopbackAddress())
        .isTrue();
    assertThat(CONFIG.get(WebOptions.SUBMIT_ENABLE)).isFalse();
    assertThat(CONFIG.get(JobManagerOptions.BIND_HOST)).isEqualTo("localhost");
    assertThat(CONFIG.get(TaskManagerOptions.BIND_HOST)).isEqualTo("localhost");
  }

  /** HA needs a Kubernetes API; the Helm chart sets it, the file only documents it. */
  @Test
  void highAvailabilityIsLeftToTheChart() {
    assertThat(CONFIG.get(HighAvailabilityOptions.HA_MODE)).isEqualToIgnoringCase("NONE");
  }

  /** Secrets come from the environment or files, never from this file. */
  @Test
  void theFileHoldsNoSecrets() {
    assertThat(CONFIG.keySet())
        .noneMatch(k -> k.matches("(?i).*(password|secret|token|access-key|api-key).*"));
  }

  @Test
  void kryoFallbackIsForbiddenAndWatermarksAreFrequent() {
    assertThat(CONFIG.get(PipelineOptions.GENERIC_TYPES)).isFalse();
    assertThat(CONFIG.get(PipelineOptions.AUTO_WATERMARK_INTERVAL))
        .isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void taskManagersOfferSlotsForBothJobs() {
    assertThat(CONFIG.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
    assertThat(CONFIG.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY)).isNotNull();
  }

  /**
   * The reporter section as the cluster reads it, on a free port: a job's metrics (here a counter
   * named like the decide operator's) appear on the Prometheus endpoint.
   */
  @Test
  void jobMetricsAreExposedThroughThePrometheusReporter() throws Exception {
    Configuration config = new Configuration();
    for (String key : CONFIG.keySet()) {
      if (key.startsWith("metrics.reporter.")) {
        config.setString(key, CONFIG.getString(key, null));
      }
    }
    assertThat(config.getString("metrics.reporter.prom.factory.class", null))
        .isEqualTo(org.apache.flink.metrics.prometheus.PrometheusReporterFactory.class.getName());
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    config.setString("metrics.reporter.prom.port", String.valueOf(port));
    org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
            .createLocalEnvironment(1, config);
    env.fromSequence(1, 1_000_000)
        .map(new CountingMap())
        .name("decide")
        .sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
    org.apache.flink.core.execution.JobClient job = env.executeAsync("metrics-check");
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.http.HttpRequest get =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
              .build();
      String body = "";
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
      while (!body.contains("_decisions") && java.time.Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
        try {
          body = http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException notYet) {
          // the reporter starts with the task manager
        }
      }
      assertThat(body).contains("flink_taskmanager_job_task_operator_decisions");
    } finally {
      job.cancel().get();
    }
  }

  /** Counts like the decide operator does, slowly enough for the job to be scraped running. */
  static final class CountingMap
      extends org.apache.flink.api.common.functions.RichMapFunction<Long, Long> {
    private transient org.apache.flink.metrics.Counter decisions;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
      decisions = getRuntimeContext().getMetricGroup().counter("decisions");
    }

    @Override
    public Long map(Long value) throws Exception {
      decisions.inc();
      Thread.sleep(1);
      return value;
    }
  }
}
