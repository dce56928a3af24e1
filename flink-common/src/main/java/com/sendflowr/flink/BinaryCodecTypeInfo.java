package com.sendflowr.flink;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information for a domain type stored through its own versioned {@link BinaryCodec}. */
public final class BinaryCodecTypeInfo<T> extends TypeInformation<T> {
  private static final long serialVersionUID = 1L;

  private final BinaryCodec<T> codec;

  private BinaryCodecTypeInfo(BinaryCodec<T> codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  public static <T> BinaryCodecTypeInfo<T> of(BinaryCodec<T> codec) {
    return new BinaryCodecTypeInfo<>(codec);
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return codec.type();
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return new BinaryCodecSerializer<>(codec);
  }

  @Override
  public String toString() {
    return "BinaryCodec<" + codec.type().getSimpleName() + ">";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryCodecTypeInfo<?> other
        && other.codec.getClass().equals(codec.getClass());
  }

  @Override
  public int hashCode() {
    return codec.getClass().hashCode();
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof BinaryCodecTypeInfo;
  }
}
