package com.sendflowr.flink;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Settings every SendFlowr job runs with, wherever it runs. */
public final class JobEnvironment {
  private JobEnvironment() {}

  /**
   * Exactly-once checkpoints (the Kafka sinks commit their transactions on them), no silent Kryo
   * fallback, and frequent watermarks so timers fire close to their time.
   */
  public static StreamExecutionEnvironment configure(
      StreamExecutionEnvironment env, Duration checkpointInterval) {
    Configuration config = new Configuration();
    config.set(PipelineOptions.GENERIC_TYPES, false);
    config.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(200));
    env.configure(config);
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    return env;
  }
}
