package com.sendflowr.testkit;

import java.time.Instant;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink MiniCluster every SendFlowr job test runs on.
 *
 * <p>Usage: {@code @RegisterExtension static final MiniClusterExtension FLINK =
 * SendFlowrMiniCluster.extension();}. Jobs then use {@code
 * StreamExecutionEnvironment.getExecutionEnvironment()}, which the extension points at the cluster,
 * or a {@code MiniCluster} / {@code ClusterClient} parameter injected into the test method.
 */
public final class SendFlowrMiniCluster {

  /** One TaskManager with this many slots: enough for a job with a few parallel operators. */
  public static final int SLOTS = 4;

  private SendFlowrMiniCluster() {}

  /** The shared MiniCluster with {@link #defaultConfiguration()}. */
  public static MiniClusterExtension extension() {
    return extension(new Configuration());
  }

  /** The shared MiniCluster with {@link #defaultConfiguration()} plus {@code overrides}. */
  public static MiniClusterExtension extension(Configuration overrides) {
    Configuration config = defaultConfiguration();
    config.addAll(overrides);
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(SLOTS)
            .setConfiguration(config)
            .build());
  }

  /**
   * Small memory so the cluster fits beside a broker and a database on a 2-core CI machine, while
   * still leaving RocksDB enough managed memory for a checkpointed test job.
   */
  public static Configuration defaultConfiguration() {
    Configuration config = new Configuration();
    config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
    config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("32m"));
    config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("32m"));
    return config;
  }

  /** Waits up to a minute for a submitted job to be running. */
  public static void awaitRunning(JobClient job) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (job.getJobStatus().get() != JobStatus.RUNNING) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("job " + job.getJobID() + " did not start");
      }
      Thread.sleep(100);
    }
  }
}
