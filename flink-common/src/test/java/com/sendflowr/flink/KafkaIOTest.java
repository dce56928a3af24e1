package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.TimingDecision;
import java.nio.charset.StandardCharsets;
import org.apache.flink.types.Either;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaIOTest {
  @Test
  void aTwoTopicSinkRoutesEachKindToItsTopicWithItsKey() throws Exception {
    KafkaIO.Routing<Either<TimingDecision, ExplanationRow>> routing =
        KafkaIO.either(
            new KafkaIO.Route<>("decisions", TimingDecision::universalId),
            new KafkaIO.Route<>("explanations", ExplanationRow::decisionId));
    // The sink ships to the cluster as Java serialisation: the routing must survive it.
    routing = InstantiationUtil.clone(routing);
    TimingDecision decision = ContractSamples.decision();
    ExplanationRow row = ContractSamples.explanationRow(decision);

    ProducerRecord<byte[], byte[]> d = routing.toProducerRecord(Either.Left(decision), 42L);
    ProducerRecord<byte[], byte[]> e = routing.toProducerRecord(Either.Right(row), 43L);

    assertThat(d.topic()).isEqualTo("decisions");
    assertThat(utf8(d.key())).isEqualTo(decision.universalId());
    assertThat(Contracts.parseDecision(utf8(d.value())).value()).isEqualTo(decision);
    assertThat(d.timestamp()).isEqualTo(42L);
    assertThat(e.topic()).isEqualTo("explanations");
    assertThat(utf8(e.key())).isEqualTo(decision.decisionId());
    assertThat(Contracts.parseExplanationRow(utf8(e.value())).value()).isEqualTo(row);
    assertThat(e.timestamp()).isEqualTo(43L);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
