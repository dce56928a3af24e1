package com.sendflowr.flinkconf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;

/** Reads config.yaml with Flink's own loader, so a typo or a renamed key fails the build. */
class ClusterConfigTest {
  static final Configuration CONFIG =
      GlobalConfiguration.loadConfiguration(Path.of("").toAbsolutePath().toString());

  @Test
  void recipientStateIsInRocksDbWithIncrementalExactlyOnceCheckpoints() {
    assertThat(CONFIG.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(CONFIG.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(CONFIG.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(CONFIG.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(CONFIG.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:");
    assertThat(CONFIG.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:");
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
