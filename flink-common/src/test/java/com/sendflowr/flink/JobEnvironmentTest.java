package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.flink.JobEnvironment.CheckpointPolicy;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobEnvironmentTest {

  /**
   * What exactly-once depends on is set by the job itself, whatever the cluster's defaults: a
   * cluster with Flink's own (10 min checkpoint timeout) would let a checkpoint complete after the
   * broker aborted its transaction.
   */
  @Test
  void jobsSetTheCheckpointSettingsTheirTransactionsDependOn() {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            Configuration.fromMap(Map.of("execution.checkpointing.timeout", "10min")));
    JobEnvironment.configure(env, Duration.ofSeconds(10));
    var checkpoints = env.getCheckpointConfig();
    assertThat(checkpoints.getCheckpointingConsistencyMode())
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(checkpoints.getCheckpointInterval()).isEqualTo(10_000);
    assertThat(checkpoints.getCheckpointTimeout()).isEqualTo(CheckpointPolicy.TIMEOUT.toMillis());
    assertThat(checkpoints.getMinPauseBetweenCheckpoints()).isEqualTo(2_000);
    assertThat(checkpoints.getTolerableCheckpointFailureNumber())
        .isEqualTo(CheckpointPolicy.TOLERABLE_FAILURES);
    Configuration settings =
        JobEnvironment.settings(CheckpointPolicy.forInterval(Duration.ofSeconds(10)));
    assertThat(settings.get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("exponential-delay");
    assertThat(settings.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .isEqualTo(CheckpointPolicy.RESTART_MAX_BACKOFF);
    assertThat(settings.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isPositive();
  }

  @Test
  void aTransactionOutlivesEveryToleratedCheckpointAndARestart() {
    CheckpointPolicy policy = CheckpointPolicy.forInterval(CheckpointPolicy.DEFAULT_INTERVAL);
    assertThat(policy.longestTransaction()).isLessThan(KafkaIO.TRANSACTION_TIMEOUT);
    // the weaker form: one checkpoint cycle plus a restart
    assertThat(policy.interval().plus(policy.timeout()).plus(CheckpointPolicy.RESTART_BUDGET))
        .isLessThan(KafkaIO.TRANSACTION_TIMEOUT);
    assertThat(CheckpointPolicy.forInterval(Duration.ofMillis(500)).minPause())
        .isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void anIntervalTheTransactionTimeoutCannotCoverIsRefused() {
    assertThatThrownBy(() -> CheckpointPolicy.forInterval(Duration.ofMinutes(1)))
        .hasMessageContaining("--checkpoint-interval")
        .hasMessageContaining("transaction timeout");
    assertThatThrownBy(() -> CheckpointPolicy.forInterval(Duration.ZERO))
        .hasMessageContaining("--checkpoint-interval");
  }

  @Test
  void theTransactionalIdPrefixIsRequiredAndNamesItsFlag() {
    assertThatThrownBy(() -> KafkaIO.transactionalIdPrefix(JobArgs.parse(new String[0], Map.of())))
        .hasMessageContaining("--transactional-id-prefix")
        .hasMessageContaining("SENDFLOWR_TRANSACTIONAL_ID_PREFIX")
        .hasMessageContaining("no default");
    assertThat(
            KafkaIO.transactionalIdPrefix(
                JobArgs.parse(new String[] {"--transactional-id-prefix", "prod-timing"}, Map.of())))
        .isEqualTo("prod-timing");
  }
}
