package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.flink.JobArgs;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** What the job refuses to start with, before it touches Kafka. */
class DispatchJobArgsTest {

  /** A defaulted prefix lets two deployments on one Kafka cluster fence each other. */
  @Test
  void startingWithoutATransactionalIdPrefixFailsNamingTheFlag() {
    assertThatThrownBy(
            () ->
                DispatchJob.wire(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    JobArgs.parse(new String[] {"--kafka-bootstrap", "kafka:9092"}, Map.of()),
                    CredentialStore.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--transactional-id-prefix")
        .hasMessageContaining("SENDFLOWR_TRANSACTIONAL_ID_PREFIX");
  }

  /** ESP keys come from the credentials file or the environment, never from the arguments. */
  @Test
  void anApiKeyAsAProgramArgumentIsRefused() {
    assertThatThrownBy(() -> JobArgs.parse(new String[] {"--klaviyo-api-key", "pk_live"}, Map.of()))
        .hasMessageContaining("SENDFLOWR_KLAVIYO_API_KEY")
        .hasMessageNotContaining("pk_live");
  }
}
