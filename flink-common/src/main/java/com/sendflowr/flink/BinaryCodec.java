package com.sendflowr.flink;

import java.io.Serializable;

/**
 * A versioned binary format of a domain type, owned by the domain code (for example the timing
 * model's {@code RecipientState.toBytes()}). The bytes carry their own format version, so a newer
 * codec reads what an older one wrote; that is what lets state evolve across savepoints without
 * Flink's POJO rules or Kryo.
 *
 * <p>Implementations must have a public no-argument constructor: a restored savepoint re-creates
 * the codec from its class name.
 */
public interface BinaryCodec<T> extends Serializable {

  Class<T> type();

  byte[] encode(T value);

  /**
   * @throws IllegalArgumentException when the bytes are not a format this codec reads
   */
  T decode(byte[] bytes);

  /** A deep copy; mutable domain types must not be shared between Flink's copies. */
  default T copy(T value) {
    return decode(encode(value));
  }
}
