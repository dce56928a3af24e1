package com.sendflowr.flink.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendflowr.contract.Contracts;
import com.sendflowr.flink.JsonRecordSerializer;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The building blocks of the binary codecs of records that travel between operators: strings that
 * keep every UTF-16 unit (a lone surrogate included, so a key is the same on both sides of a {@code
 * keyBy}), instants to the nanosecond, and string maps in their own order.
 *
 * <p>Why binary between operators: a signal crossed the network as JSON twice and was parsed three
 * times on its way to the decide operator; JSON (and {@code java.time}'s formatter) was most of the
 * job's CPU. Free-form JSON values (signal properties, whole records that are rare on the hot path)
 * stay canonical JSON inside the bytes, read back exactly as the contract's parser reads them.
 */
public final class RecordBytes {
  private static final int NULL = 0;
  private static final int SHORT = 1;
  private static final int LONG = 2;

  /** {@code writeUTF} allows 65,535 bytes; one UTF-16 unit takes at most three. */
  private static final int SHORT_MAX_CHARS = 65_535 / 3;

  /** Reads what this job wrote itself, which may exceed the limits that guard external input. */
  private static final ObjectMapper READER = JsonRecordSerializer.internalReader();

  private RecordBytes() {}

  /** Something that writes one record's fields. */
  @FunctionalInterface
  public interface Writer {
    void write(DataOutput out) throws IOException;
  }

  /** Something that reads one record's fields. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(DataInput in) throws IOException;
  }

  public static byte[] encode(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not what the reader expects
   */
  public static <T> T decode(byte[] bytes, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      T value = reader.read(in);
      if (in.available() > 0) {
        throw new IllegalArgumentException(in.available() + " bytes left after the record");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("unreadable record bytes: " + e, e);
    }
  }

  /** Checks a format version byte. */
  public static void requireVersion(DataInput in, int supported, String what) throws IOException {
    int version = in.readUnsignedByte();
    if (version < 1 || version > supported) {
      throw new IllegalArgumentException(
          what + " format version " + version + ", this codec reads 1.." + supported);
    }
  }

  public static void writeString(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeByte(NULL);
    } else if (s.length() <= SHORT_MAX_CHARS) {
      out.writeByte(SHORT);
      out.writeUTF(s); // modified UTF-8 encodes each unit alone, so lone surrogates survive
    } else {
      out.writeByte(LONG);
      out.writeInt(s.length());
      out.writeChars(s);
    }
  }

  public static String readString(DataInput in) throws IOException {
    int kind = in.readUnsignedByte();
    switch (kind) {
      case NULL:
        return null;
      case SHORT:
        return in.readUTF();
      case LONG:
        int length = in.readInt();
        if (length < 0) {
          throw new IllegalArgumentException("negative string length " + length);
        }
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
          chars[i] = in.readChar();
        }
        return new String(chars);
      default:
        throw new IllegalArgumentException("unknown string marker " + kind);
    }
  }

  public static void writeInstant(DataOutput out, Instant t) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    }
  }

  public static Instant readInstant(DataInput in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }

  public static void writeStringMap(DataOutput out, Map<String, String> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
  }

  public static Map<String, String> readStringMap(DataInput in) throws IOException {
    int size = requireSize(in.readInt());
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      map.put(readString(in), readString(in));
    }
    return map;
  }

  public static void writeStrings(DataOutput out, List<String> list) throws IOException {
    out.writeInt(list.size());
    for (String s : list) {
      writeString(out, s);
    }
  }

  public static List<String> readStrings(DataInput in) throws IOException {
    int size = requireSize(in.readInt());
    String[] items = new String[size];
    for (int i = 0; i < size; i++) {
      items[i] = readString(in);
    }
    return List.of(items);
  }

  /** Free-form JSON values as the canonical JSON the contract writes (empty map: no bytes). */
  public static void writeJsonMap(DataOutput out, Map<String, Object> map) throws IOException {
    writeString(out, map.isEmpty() ? null : Contracts.toJson(map));
  }

  /** Reads them back as the contract's parser does ({@code LinkedHashMap} of untyped values). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readJsonMap(DataInput in) throws IOException {
    String json = readString(in);
    return json == null ? Map.of() : READER.readValue(json, LinkedHashMap.class);
  }

  /** A whole record as canonical JSON: for record types that are rare on the hot path. */
  public static void writeJson(DataOutput out, Object record) throws IOException {
    writeString(out, record == null ? null : Contracts.toJson(record));
  }

  public static <T> T readJson(DataInput in, Class<T> type) throws IOException {
    String json = readString(in);
    try {
      return json == null ? null : READER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("unreadable " + type.getSimpleName() + " JSON", e);
    }
  }

  private static int requireSize(int size) {
    if (size < 0 || size > 1 << 20) {
      throw new IllegalArgumentException("implausible collection size " + size);
    }
    return size;
  }
}
