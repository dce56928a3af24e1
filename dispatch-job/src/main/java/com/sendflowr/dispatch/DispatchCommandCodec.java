package com.sendflowr.dispatch;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeString;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.Contracts;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.JsonRecordSerializer;
import com.sendflowr.flink.codec.RecordBytes;
import com.sendflowr.flink.codec.RecordCodec;
import com.sendflowr.flink.codec.TimingDecisionCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A due dispatch in binary, between the scheduler and the batcher and in the batcher's buffer: the
 * decision in its binary codec, the binding as its canonical JSON (the contract's format, which
 * tolerates added fields), the idempotency key and the firing time.
 *
 * <p>Thousands of dispatches due together share a handful of bindings, so a binding's JSON is
 * written, encoded and parsed once per distinct binding rather than once per dispatch: writing
 * copies its cached bytes, reading looks them up (both caches are bounded; bindings are immutable
 * records, so sharing one instance is safe). This codec replaced JSON for the whole command, which
 * dominated the batcher's CPU; the batcher's buffers written by the JSON serializer are migrated on
 * restore ({@link com.sendflowr.flink.BinaryCodecSerializer}).
 */
public final class DispatchCommandCodec extends RecordCodec<DispatchCommand> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  /** A binding's JSON is a few hundred bytes; anything near this is not one. */
  private static final int MAX_BINDING_BYTES = 1 << 24;

  /** Distinct bindings remembered before a cache starts over. */
  private static final int CACHED_BINDINGS = 1_024;

  public static final TypeInformation<DispatchCommand> TYPE =
      BinaryCodecTypeInfo.of(new DispatchCommandCodec());

  // The serializer is shared between threads (it is stateless as far as Flink is concerned).
  private transient volatile Map<IntentBinding, byte[]> bytesOf;
  private transient volatile Map<Bytes, IntentBinding> bindingOf;

  /** A binding's encoded JSON as a map key: equal when the bytes are. */
  private record Bytes(byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }
  }

  public DispatchCommandCodec() {
    super(DispatchCommand.class);
  }

  @Override
  protected void writeRecord(DataOutput out, DispatchCommand c) throws IOException {
    out.writeByte(VERSION);
    TimingDecisionCodec.write(out, c.decision());
    out.writeBoolean(c.binding() != null);
    if (c.binding() != null) {
      byte[] binding = bytes(c.binding());
      out.writeInt(binding.length);
      out.write(binding);
    }
    writeString(out, c.idempotencyKey());
    writeInstant(out, c.firedAt());
  }

  @Override
  protected DispatchCommand readRecord(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "dispatch command");
    var decision = TimingDecisionCodec.read(in);
    IntentBinding binding = null;
    if (in.readBoolean()) {
      int length = in.readInt();
      if (length < 0 || length > MAX_BINDING_BYTES) {
        throw new IllegalArgumentException("implausible binding length " + length);
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      binding = binding(bytes);
    }
    return new DispatchCommand(decision, binding, readString(in), readInstant(in));
  }

  /** The binding's canonical JSON as the codecs write a string, encoded once per binding. */
  private byte[] bytes(IntentBinding binding) {
    Map<IntentBinding, byte[]> cache = bytesOf;
    if (cache == null) {
      cache = bytesOf = new ConcurrentHashMap<>();
    }
    byte[] bytes = cache.get(binding);
    if (bytes == null) {
      String json = Contracts.toJson(binding);
      bytes = RecordBytes.encode(out -> writeString(out, json));
      bounded(cache).put(binding, bytes);
    }
    return bytes;
  }

  private IntentBinding binding(byte[] bytes) {
    Map<Bytes, IntentBinding> cache = bindingOf;
    if (cache == null) {
      cache = bindingOf = new ConcurrentHashMap<>();
    }
    Bytes key = new Bytes(bytes);
    IntentBinding binding = cache.get(key);
    if (binding == null) {
      String json = RecordBytes.decode(bytes, RecordBytes::readString);
      try {
        binding = JsonRecordSerializer.internalReader().readValue(json, IntentBinding.class);
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable binding of a dispatch command", e);
      }
      bounded(cache).put(key, binding);
    }
    return binding;
  }

  private static <K, V> Map<K, V> bounded(Map<K, V> cache) {
    if (cache.size() >= CACHED_BINDINGS) {
      cache.clear();
    }
    return cache;
  }
}
