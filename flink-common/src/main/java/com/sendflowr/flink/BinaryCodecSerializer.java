package com.sendflowr.flink;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer over a {@link BinaryCodec}: length-prefixed codec bytes. The snapshot stores the
 * codec's class, and every later version of that codec is compatible as is, because the codec
 * itself reads older format versions.
 */
public final class BinaryCodecSerializer<T> extends TypeSerializer<T> {
  private static final long serialVersionUID = 1L;

  private final BinaryCodec<T> codec;

  public BinaryCodecSerializer(BinaryCodec<T> codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  public BinaryCodec<T> codec() {
    return codec;
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<T> duplicate() {
    return this; // the codec is stateless
  }

  @Override
  public T createInstance() {
    return null;
  }

  @Override
  public T copy(T from) {
    return from == null ? null : codec.copy(from);
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    byte[] bytes = codec.encode(record);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    try {
      return codec.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException("state of " + codec.type().getSimpleName() + " is unreadable", e);
    }
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
    return o instanceof BinaryCodecSerializer<?> other
        && other.codec.getClass().equals(codec.getClass());
  }

  @Override
  public int hashCode() {
    return codec.getClass().hashCode();
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return new Snapshot<>(codec);
  }

  /** Stores the codec's class name; restoring instantiates it again. */
  public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {
    private static final int VERSION = 1;
    private BinaryCodec<T> codec;

    /** For Flink's reflective instantiation on restore. */
    public Snapshot() {}

    Snapshot(BinaryCodec<T> codec) {
      this.codec = codec;
    }

    @Override
    public int getCurrentVersion() {
      return VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
      out.writeUTF(codec.getClass().getName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
        throws IOException {
      String name = in.readUTF();
      try {
        codec =
            (BinaryCodec<T>)
                Class.forName(name, true, classLoader).getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new IOException("codec " + name + " of a restored state cannot be created", e);
      }
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
      return new BinaryCodecSerializer<>(codec);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
        TypeSerializerSnapshot<T> oldSnapshot) {
      if (oldSnapshot instanceof Snapshot<T> old
          && old.codec.getClass().getName().equals(codec.getClass().getName())) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      // State a JSON serializer wrote for the same record type: Flink reads it with that
      // serializer and writes it again with this one, so a state can move from JSON to a codec.
      if (oldSnapshot instanceof JsonRecordSerializer.Snapshot<T> json
          && json.typeName().equals(codec.type().getName())) {
        return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
      }
      return TypeSerializerSchemaCompatibility.incompatible();
    }
  }
}
