package com.sendflowr.flink.codec;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readJsonMap;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.readStringMap;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeJsonMap;
import static com.sendflowr.flink.codec.RecordBytes.writeString;
import static com.sendflowr.flink.codec.RecordBytes.writeStringMap;

import com.sendflowr.contract.Signal;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** A signal between operators: its fields in binary, its free-form properties as JSON. */
public final class SignalCodec extends RecordCodec<Signal> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  /** The type information of a stream of {@link Signal}s. */
  public static final TypeInformation<Signal> TYPE = BinaryCodecTypeInfo.of(new SignalCodec());

  public SignalCodec() {
    super(Signal.class);
  }

  @Override
  protected void writeRecord(DataOutput out, Signal value) throws IOException {
    write(out, value);
  }

  @Override
  protected Signal readRecord(DataInput in) throws IOException {
    return read(in);
  }

  public static void write(DataOutput out, Signal s) throws IOException {
    out.writeByte(VERSION);
    writeString(out, s.eventId());
    writeString(out, s.eventType());
    writeInstant(out, s.occurredAt());
    writeString(out, s.universalId());
    writeStringMap(out, s.identityKeys());
    writeString(out, s.source());
    writeJsonMap(out, s.properties());
  }

  public static Signal read(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "signal");
    return new Signal(
        readString(in),
        readString(in),
        readInstant(in),
        readString(in),
        readStringMap(in),
        readString(in),
        readJsonMap(in));
  }
}
