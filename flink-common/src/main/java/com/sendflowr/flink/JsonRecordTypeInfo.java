package com.sendflowr.flink;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information for contract records, serialised as their canonical JSON.
 *
 * <p>Why JSON and not Flink's POJO serializer: contract records hold maps and nested records, which
 * the POJO analyser would hand to Kryo; and the contract already has an evolution rule (fields are
 * only ever added), which the canonical JSON honours across savepoints for free. Jobs run with
 * {@code pipeline.generic-types: false}, so a forgotten type fails loudly instead of falling back
 * to Kryo.
 */
public final class JsonRecordTypeInfo<T> extends TypeInformation<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;

  private JsonRecordTypeInfo(Class<T> type) {
    this.type = Objects.requireNonNull(type);
  }

  public static <T> JsonRecordTypeInfo<T> of(Class<T> type) {
    return new JsonRecordTypeInfo<>(type);
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
    return type;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return new JsonRecordSerializer<>(type);
  }

  @Override
  public String toString() {
    return "JsonRecord<" + type.getSimpleName() + ">";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonRecordTypeInfo<?> other && other.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof JsonRecordTypeInfo;
  }
}
