package com.sendflowr.dispatch;

import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.JsonRecordSerializer;
import com.sendflowr.flink.codec.RecordBytes;
import com.sendflowr.flink.codec.TimingDecisionCodec;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.junit.jupiter.api.Test;

class LatestDecisionCodecTest {
  private final LatestDecisionCodec codec = new LatestDecisionCodec();

  private static TimingDecision withDebug() {
    TimingDecision d = decision("req-1", Map.of("email", "ann@example.com", "note", "x\ud800"));
    return new TimingDecision(
        d.decisionId(),
        d.requestId(),
        d.intentId(),
        d.universalId(),
        d.version(),
        d.status(),
        "dec-req-1-v1",
        d.targetMinuteUtc(),
        d.targetTimestampUtc(),
        d.triggerTimestampUtc(),
        d.latencyEstimateSeconds(),
        d.latencySource(),
        d.confidenceScore(),
        d.modelVersion(),
        d.explanationRef(),
        d.createdAtUtc(),
        null,
        d.metadata(),
        new TimingDecision.Debug(
            1_234, List.of(new TimingDecision.AppliedWeight("site_visit", 1.5)), false));
  }

  @Test
  void aDecisionComesBackEqual() {
    TimingDecision d = withDebug();
    assertThat(codec.decode(codec.encode(d))).isEqualTo(d);
    TimingDecision plain = decision("req-2", Map.of());
    assertThat(codec.decode(codec.encode(plain))).isEqualTo(plain);
  }

  /** What a later release may write: format 2 appends a field after the decision. */
  private static byte[] laterFormat(TimingDecision d, String appended) {
    byte[] fields =
        RecordBytes.encode(
            out -> {
              TimingDecisionCodec.write(out, d);
              RecordBytes.writeString(out, appended);
              out.writeLong(42);
            });
    return RecordBytes.encode(
        out -> {
          out.writeByte(2);
          out.writeInt(fields.length);
          out.write(fields);
        });
  }

  @Test
  void aLaterFormatThatAppendsFieldsReadsBackWithoutThem() {
    TimingDecision d = withDebug();
    assertThat(codec.decode(laterFormat(d, "received by a later release"))).isEqualTo(d);
  }

  @Test
  void damagedBytesAreAClearError() {
    byte[] bytes = codec.encode(decision("req-1", Map.of()));
    byte[] versionZero = bytes.clone();
    versionZero[0] = 0;
    assertThatThrownBy(() -> codec.decode(versionZero))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 0");
    byte[] hugeLength = bytes.clone();
    hugeLength[1] = 0x7f;
    assertThatThrownBy(() -> codec.decode(hugeLength))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length");
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> codec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stateTheJsonSerializerWroteIsMigratedNotRefused() {
    var binary = LatestDecisionCodec.TYPE.createSerializer(new SerializerConfigImpl());
    var json = new JsonRecordSerializer<>(TimingDecision.class).snapshotConfiguration();
    assertThat(
            binary
                .snapshotConfiguration()
                .resolveSchemaCompatibility(json)
                .isCompatibleAfterMigration())
        .isTrue();
  }
}
