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
}
