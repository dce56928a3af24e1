package com.sendflowr.dispatch;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.flink.BinaryCodecSerializer;
import com.sendflowr.flink.JsonRecordSerializer;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.junit.jupiter.api.Test;

class DispatchCommandCodecTest {
  private final DispatchCommandCodec codec = new DispatchCommandCodec();

  @Test
  void aCommandComesBackEqualWithItsDecisionBindingKeyAndFiringTime() {
    DispatchCommand c =
        command(
            decision("req-1", Map.of("email", "ann@example.com", "first_name", "Ann\ud800")),
            binding("klaviyo", "metric_name", "Promo", "dry_run", true));
    assertThat(codec.decode(codec.encode(c))).isEqualTo(c);

    DispatchCommand bare = new DispatchCommand(c.decision(), null, null, null);
    assertThat(codec.decode(codec.encode(bare))).isEqualTo(bare);
  }

  @Test
  void bindingsSharedByManyCommandsAreReadOnceAndStayDistinct() {
    IntentBinding klaviyo = binding("klaviyo", "metric_name", "Promo");
    IntentBinding braze = binding("braze", "campaign_id", "cmp-1");
    var back =
        IntStream.range(0, 50)
            .mapToObj(i -> command(decision("req-" + i, Map.of()), i % 2 == 0 ? klaviyo : braze))
            .map(c -> codec.decode(codec.encode(c)))
            .toList();

    assertThat(back).extracting(DispatchCommand::binding).containsOnly(klaviyo, braze);
    // One instance per distinct binding, however many commands carried it.
    assertThat(back.stream().map(DispatchCommand::binding).distinct().count()).isEqualTo(2);
    assertThat(back.get(0).binding()).isSameAs(back.get(2).binding());
    // A binding that changed is a new binding, not the cached one.
    IntentBinding renamed = binding("klaviyo", "metric_name", "Promo 2");
    assertThat(codec.decode(codec.encode(command(decision("req-x", Map.of()), renamed))).binding())
        .isEqualTo(renamed);
  }

  @Test
  void anUnknownFormatVersionIsAClearError() {
    byte[] bytes = codec.encode(command(decision("req-1", Map.of()), binding("klaviyo")));
    byte[] newer = bytes.clone();
    newer[0] = 9;
    assertThatThrownBy(() -> codec.decode(newer)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void stateTheJsonSerializerWroteIsMigratedNotRefused() {
    TypeSerializer<DispatchCommand> binary =
        DispatchCommandCodec.TYPE.createSerializer(new SerializerConfigImpl());
    assertThat(binary).isInstanceOf(BinaryCodecSerializer.class);
    var json = new JsonRecordSerializer<>(DispatchCommand.class).snapshotConfiguration();
    assertThat(
            binary
                .snapshotConfiguration()
                .resolveSchemaCompatibility(json)
                .isCompatibleAfterMigration())
        .isTrue();
    var otherRecord = new JsonRecordSerializer<>(DispatchBatch.class).snapshotConfiguration();
    assertThat(
            binary
                .snapshotConfiguration()
                .resolveSchemaCompatibility(
                    (TypeSerializerSnapshot<DispatchCommand>)
                        (TypeSerializerSnapshot<?>) otherRecord)
                .isIncompatible())
        .isTrue();
  }
}
