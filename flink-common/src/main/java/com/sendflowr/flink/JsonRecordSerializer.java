package com.sendflowr.flink;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendflowr.contract.Contracts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serialises an immutable contract record as length-prefixed canonical JSON. */
public final class JsonRecordSerializer<T> extends TypeSerializer<T> {
  private static final long serialVersionUID = 1L;

  /**
   * Reads back what {@link Contracts#toJson} wrote. The canonical mapper's read limits guard
   * external input; a record the job built itself (a dead letter keeping an oversized Kafka key)
   * may exceed them, and must not become a poison pill between operators or in state.
   */
  private static final ObjectMapper READER = newInternalReader();

  private final Class<T> type;

  private static ObjectMapper newInternalReader() {
    ObjectMapper m = Contracts.mapper().copy();
    m.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build());
    return m;
  }

  /** The reader for JSON the job wrote itself, inside binary records too. */
  public static ObjectMapper internalReader() {
    return READER;
  }

  public JsonRecordSerializer(Class<T> type) {
    this.type = Objects.requireNonNull(type);
  }

  @Override
  public boolean isImmutableType() {
    return true; // contract records are immutable, so Flink may skip copies
  }

  @Override
  public TypeSerializer<T> duplicate() {
    return this; // stateless
  }

  @Override
  public T createInstance() {
    return null;
  }

  @Override
  public T copy(T from) {
    return from;
  }

  @Override
  public T copy(T from, T reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    byte[] bytes = Contracts.toJson(record).getBytes(StandardCharsets.UTF_8);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    return READER.readValue(bytes, type);
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = source.readInt();
    target.writeInt(length);
    target.write(source, length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonRecordSerializer<?> other && other.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return new Snapshot<>(type);
  }

  /**
   * Stores only the record class: the JSON format itself tolerates added fields, so any later
   * version of the same class is compatible as is.
   */
  public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {
    private static final int VERSION = 1;
    private Class<T> type;

    /** For Flink's reflective instantiation on restore. */
    public Snapshot() {}

    Snapshot(Class<T> type) {
      this.type = type;
    }

    @Override
    public int getCurrentVersion() {
      return VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
      out.writeUTF(type.getName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
        throws IOException {
      String name = in.readUTF();
      try {
        type = (Class<T>) Class.forName(name, false, classLoader);
      } catch (ClassNotFoundException e) {
        throw new IOException("record class " + name + " of a restored state is missing", e);
      }
    }

    /** The record class the state holds. */
    String typeName() {
      return type.getName();
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
      return new JsonRecordSerializer<>(type);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
        TypeSerializerSnapshot<T> oldSnapshot) {
      if (oldSnapshot instanceof Snapshot<T> old && old.type.getName().equals(type.getName())) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      return TypeSerializerSchemaCompatibility.incompatible();
    }
  }
}
