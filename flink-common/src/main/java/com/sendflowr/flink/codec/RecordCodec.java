package com.sendflowr.flink.codec;

import com.sendflowr.flink.BinaryCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The binary codec of an immutable record: a subclass writes and reads the fields (a format version
 * first), this class does the rest. Records are immutable, so a copy is the record itself.
 */
public abstract class RecordCodec<T> implements BinaryCodec<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;

  protected RecordCodec(Class<T> type) {
    this.type = type;
  }

  /** Writes the record's format version and fields. */
  protected abstract void writeRecord(DataOutput out, T value) throws IOException;

  /** Reads what {@link #writeRecord} wrote, in this or any earlier format version. */
  protected abstract T readRecord(DataInput in) throws IOException;

  @Override
  public final Class<T> type() {
    return type;
  }

  @Override
  public final byte[] encode(T value) {
    return RecordBytes.encode(out -> writeRecord(out, value));
  }

  @Override
  public final T decode(byte[] bytes) {
    return RecordBytes.decode(bytes, this::readRecord);
  }

  @Override
  public final T copy(T value) {
    return value;
  }
}
