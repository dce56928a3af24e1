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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A due dispatch in binary, between the scheduler and the batcher and in the batcher's buffer: the
 * decision in its binary codec, the binding as its canonical JSON (the contract's format, which
 * tolerates added fields), the idempotency key and the firing time.
 *
 * <p>Thousands of dispatches due together share a handful of bindings, so the binding's JSON is
 * written and parsed once per distinct binding rather than once per dispatch (both caches are
 * bounded; bindings are immutable records, so sharing one instance is safe). This codec replaced
 * JSON for the whole command, which dominated the batcher's CPU; the batcher's buffers written by
 * the JSON serializer are migrated on restore ({@link com.sendflowr.flink.BinaryCodecSerializer}).
 */
public final class DispatchCommandCodec extends RecordCodec<DispatchCommand> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  /** Distinct bindings remembered before a cache starts over. */
  private static final int CACHED_BINDINGS = 1_024;

  public static final TypeInformation<DispatchCommand> TYPE =
      BinaryCodecTypeInfo.of(new DispatchCommandCodec());

  // The serializer is shared between threads (it is stateless as far as Flink is concerned).
  private transient volatile Map<IntentBinding, String> jsonOf;
  private transient volatile Map<String, IntentBinding> bindingOf;

  public DispatchCommandCodec() {
    super(DispatchCommand.class);
  }

  @Override
  protected void writeRecord(DataOutput out, DispatchCommand c) throws IOException {
    out.writeByte(VERSION);
    TimingDecisionCodec.write(out, c.decision());
    writeString(out, c.binding() == null ? null : json(c.binding()));
    writeString(out, c.idempotencyKey());
    writeInstant(out, c.firedAt());
  }

  @Override
  protected DispatchCommand readRecord(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "dispatch command");
    var decision = TimingDecisionCodec.read(in);
    String bindingJson = readString(in);
    IntentBinding binding = bindingJson == null ? null : binding(bindingJson);
    return new DispatchCommand(decision, binding, readString(in), readInstant(in));
  }

  private String json(IntentBinding binding) {
    Map<IntentBinding, String> cache = jsonOf;
    if (cache == null) {
      cache = jsonOf = new ConcurrentHashMap<>();
    }
    String json = cache.get(binding);
    if (json == null) {
      json = Contracts.toJson(binding);
      bounded(cache).put(binding, json);
    }
    return json;
  }

  private IntentBinding binding(String json) {
    Map<String, IntentBinding> cache = bindingOf;
    if (cache == null) {
      cache = bindingOf = new ConcurrentHashMap<>();
    }
    IntentBinding binding = cache.get(json);
    if (binding == null) {
      try {
        binding = JsonRecordSerializer.internalReader().readValue(json, IntentBinding.class);
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable binding of a dispatch command", e);
      }
      bounded(cache).put(json, binding);
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
