package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.flink.JobArgs;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** What the job refuses to start with, before it touches Kafka. */
class TimingJobArgsTest {

  /** A defaulted prefix lets two deployments on one Kafka cluster fence each other. */
  @Test
  void startingWithoutATransactionalIdPrefixFailsNamingTheFlag() {
    assertThatThrownBy(
            () ->
                TimingJob.wire(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    JobArgs.parse(
                        new String[] {"--kafka-bootstrap", "kafka:9092", "--group-id", "g"},
                        Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--transactional-id-prefix")
        .hasMessageContaining("SENDFLOWR_TRANSACTIONAL_ID_PREFIX");
  }

  @Test
  void aCheckpointIntervalTheTransactionTimeoutCannotCoverIsRefused() {
    assertThatThrownBy(
            () ->
                TimingJob.wire(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    JobArgs.parse(
                        new String[] {
                          "--kafka-bootstrap", "kafka:9092",
                          "--transactional-id-prefix", "t",
                          "--checkpoint-interval", "5m"
                        },
                        Map.of())))
        .hasMessageContaining("--checkpoint-interval");
  }

  @Test
  void topicsReadBackFromTheFlagsTheyWriteAndDefaultToTheProductionNames() {
    TimingJob.Topics custom = new TimingJob.Topics("s", "r", "o", "c", "h", "d", "e", "dl");
    assertThat(
            TimingJob.Topics.from(
                JobArgs.parse(TimingJob.Topics.argv(custom, "--group-id", "g"), Map.of())))
        .isEqualTo(custom);
    assertThat(TimingJob.Topics.from(JobArgs.parse(new String[0], Map.of())))
        .isEqualTo(TimingJob.Topics.defaults());
    assertThat(TimingJob.Topics.defaults().signals())
        .isEqualTo(com.sendflowr.contract.Topics.SIGNALS);
  }
}
