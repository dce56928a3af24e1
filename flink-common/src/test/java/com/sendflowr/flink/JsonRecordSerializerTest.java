package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import java.io.IOException;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRecordSerializerTest {

  static Stream<Object> everyRecord() {
    return ContractSamples.everyRecord().stream();
  }

  @SuppressWarnings("unchecked")
  private static <T> JsonRecordSerializer<T> serializerFor(T record) {
    return new JsonRecordSerializer<>((Class<T>) record.getClass());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecord")
  <T> void everyContractRecordRoundTrips(T record) throws IOException {
    JsonRecordSerializer<T> serializer = serializerFor(record);
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(record, out);
    serializer.serialize(record, out); // two in a row: each one is length-delimited

    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    assertThat(serializer.deserialize(in)).isEqualTo(record);
    assertThat(serializer.deserialize(null, in)).isEqualTo(record);
    assertThat(in.available()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecord")
  <T> void copyingSerialisedBytesKeepsTheRecordWhole(T record) throws IOException {
    JsonRecordSerializer<T> serializer = serializerFor(record);
    DataOutputSerializer first = new DataOutputSerializer(64);
    serializer.serialize(record, first);
    first.writeInt(0xCAFE); // a following field must stay where it was

    DataInputDeserializer source = new DataInputDeserializer(first.getCopyOfBuffer());
    // Flink's DataOutputSerializer grows on every write but write(DataInputView, n): size it.
    DataOutputSerializer second = new DataOutputSerializer(8 * 1024);
    serializer.copy(source, second);
    assertThat(source.readInt()).isEqualTo(0xCAFE);

    DataInputDeserializer copied = new DataInputDeserializer(second.getCopyOfBuffer());
    assertThat(serializer.deserialize(copied)).isEqualTo(record);
    assertThat(copied.available()).isZero();
  }

  @Test
  void aDeadLetterForAnOversizedRecordStillCrossesTheNetwork() throws IOException {
    // Kafka keys are not bounded by the contract's input limits, and a rejected record keeps its
    // key: the dead letter must not become a poison pill between operators.
    String hugeKey = "k".repeat(200_000);
    DeadLetter dl =
        Contracts.deadLetter(
            "timing-job/signals",
            "sendflowr.signals",
            hugeKey,
            "x".repeat(100_000),
            com.sendflowr.contract.RejectReason.PAYLOAD_TOO_LARGE,
            "too large",
            ContractSamples.T);
    JsonRecordSerializer<DeadLetter> serializer = new JsonRecordSerializer<>(DeadLetter.class);
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(dl, out);
    assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
        .isEqualTo(dl);
  }

  @Test
  void theWireFormatIsTheLengthPrefixedCanonicalJson() throws IOException {
    Signal signal = ContractSamples.signal();
    DataOutputSerializer out = new DataOutputSerializer(64);
    new JsonRecordSerializer<>(Signal.class).serialize(signal, out);

    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(Contracts.toJson(signal));
  }

  @Test
  void recordsAreImmutableSoCopiesAreTheRecordItself() {
    JsonRecordSerializer<TimingDecision> serializer =
        new JsonRecordSerializer<>(TimingDecision.class);
    TimingDecision d = ContractSamples.decision();
    assertThat(serializer.isImmutableType()).isTrue();
    assertThat(serializer.copy(d)).isSameAs(d);
    assertThat(serializer.copy(d, null)).isSameAs(d);
    assertThat(serializer.duplicate()).isEqualTo(serializer);
    assertThat(serializer).isEqualTo(new JsonRecordSerializer<>(TimingDecision.class));
    assertThat(serializer).isNotEqualTo(new JsonRecordSerializer<>(Signal.class));
    assertThat(serializer.getLength()).isEqualTo(-1);
  }

  @Test
  void theTypeInformationCreatesTheJsonSerializer() {
    JsonRecordTypeInfo<DeadLetter> info = JsonRecordTypeInfo.of(DeadLetter.class);
    assertThat(info.createSerializer(new SerializerConfigImpl()))
        .isEqualTo(new JsonRecordSerializer<>(DeadLetter.class));
    assertThat(info.getTypeClass()).isEqualTo(DeadLetter.class);
    assertThat(info).isEqualTo(JsonRecordTypeInfo.of(DeadLetter.class));
    assertThat(info).isNotEqualTo(JsonRecordTypeInfo.of(Signal.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecord")
  <T> void theSnapshotIsWrittenReadAndCompatibleAsIs(T record) throws IOException {
    JsonRecordSerializer<T> serializer = serializerFor(record);
    TypeSerializerSnapshot<T> written = serializer.snapshotConfiguration();

    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, written);
    TypeSerializerSnapshot<T> restored =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

    assertThat(restored).isInstanceOf(JsonRecordSerializer.Snapshot.class);
    TypeSerializer<T> restoredSerializer = restored.restoreSerializer();
    assertThat(restoredSerializer).isEqualTo(serializer);

    // The new job's snapshot judges the one restored from the savepoint.
    TypeSerializerSchemaCompatibility<T> compatibility =
        serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
    assertThat(compatibility.isCompatibleAsIs()).isTrue();

    // And what the old serializer wrote, the restored one reads.
    DataOutputSerializer data = new DataOutputSerializer(64);
    serializer.serialize(record, data);
    assertThat(restoredSerializer.deserialize(new DataInputDeserializer(data.getCopyOfBuffer())))
        .isEqualTo(record);
  }

  @Test
  void aSnapshotOfAnotherRecordClassIsIncompatible() {
    TypeSerializerSnapshot<Signal> signals =
        new JsonRecordSerializer<>(Signal.class).snapshotConfiguration();
    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializerSnapshot<Signal> decisions =
        (TypeSerializerSnapshot)
            new JsonRecordSerializer<>(TimingDecision.class).snapshotConfiguration();
    assertThat(signals.resolveSchemaCompatibility(decisions).isIncompatible()).isTrue();
  }

  @Test
  void restoringAStateWhoseRecordClassIsGoneSaysWhichClass() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    out.writeUTF("com.sendflowr.contract.NoSuchRecord");
    JsonRecordSerializer.Snapshot<Object> snapshot = new JsonRecordSerializer.Snapshot<>();
    assertThatThrownBy(
            () ->
                snapshot.readSnapshot(
                    1,
                    new DataInputDeserializer(out.getCopyOfBuffer()),
                    getClass().getClassLoader()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("com.sendflowr.contract.NoSuchRecord");
  }
}
