package com.sendflowr.timing.job.wire;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readJson;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.readStrings;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeJson;
import static com.sendflowr.flink.codec.RecordBytes.writeString;
import static com.sendflowr.flink.codec.RecordBytes.writeStrings;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.codec.RecordBytes;
import com.sendflowr.flink.codec.RecordCodec;
import com.sendflowr.flink.codec.SendRequestCodec;
import com.sendflowr.flink.codec.SignalCodec;
import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.TimingInput;
import com.sendflowr.timing.job.identity.RecipientHandoff;
import com.sendflowr.timing.job.identity.RecipientMerge;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The decide operator's input between operators. Signals and requests, the records that come by the
 * thousand per second, are binary; outcomes and handoffs are canonical JSON inside the bytes (a
 * handoff is JSON on its Kafka topic anyway).
 */
public final class TimingInputCodec extends RecordCodec<TimingInput> {
  private static final long serialVersionUID = 1L;

  /** The type information every operator producing a {@link TimingInput} declares. */
  public static final TypeInformation<TimingInput> TYPE =
      BinaryCodecTypeInfo.of(new TimingInputCodec());

  public TimingInputCodec() {
    super(TimingInput.class);
  }

  @Override
  protected void writeRecord(DataOutput out, TimingInput value) throws IOException {
    write(out, value);
  }

  @Override
  protected TimingInput readRecord(DataInput in) throws IOException {
    return read(in);
  }

  private static final int VERSION = 1;

  private static final int SIGNAL = 1;
  private static final int REQUEST = 2;
  private static final int OUTCOME = 3;
  private static final int MERGE = 4;
  private static final int HANDOFF = 5;

  public static void write(DataOutput out, TimingInput in) throws IOException {
    out.writeByte(VERSION);
    writeString(out, in.recipient());
    writeResolution(out, in.resolution());
    if (in.signal() != null) {
      out.writeByte(SIGNAL);
      SignalCodec.write(out, in.signal());
    } else if (in.request() != null) {
      out.writeByte(REQUEST);
      SendRequestCodec.write(out, in.request());
    } else if (in.outcome() != null) {
      out.writeByte(OUTCOME);
      writeJson(out, in.outcome());
    } else if (in.merge() != null) {
      out.writeByte(MERGE);
      RecipientMerge m = in.merge();
      writeString(out, m.from());
      writeString(out, m.into());
      writeInstant(out, m.at());
      writeString(out, m.reason());
      writeString(out, m.viaKey());
      writeString(out, m.linkedBy());
    } else {
      out.writeByte(HANDOFF);
      writeJson(out, in.handoff());
    }
  }

  public static TimingInput read(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "timing input");
    String recipient = readString(in);
    IdentityResolution resolution = readResolution(in);
    int kind = in.readUnsignedByte();
    return switch (kind) {
      case SIGNAL ->
          new TimingInput(recipient, SignalCodec.read(in), null, null, resolution, null, null);
      case REQUEST ->
          new TimingInput(recipient, null, SendRequestCodec.read(in), null, resolution, null, null);
      case OUTCOME ->
          new TimingInput(
              recipient, null, null, readJson(in, DispatchOutcome.class), resolution, null, null);
      case MERGE ->
          new TimingInput(
              recipient,
              null,
              null,
              null,
              resolution,
              new RecipientMerge(
                  readString(in),
                  readString(in),
                  readInstant(in),
                  readString(in),
                  readString(in),
                  readString(in)),
              null);
      case HANDOFF ->
          new TimingInput(
              recipient, null, null, null, resolution, null, readJson(in, RecipientHandoff.class));
      default -> throw new IllegalArgumentException("unknown timing input kind " + kind);
    };
  }

  public static void writeResolution(DataOutput out, IdentityResolution r) throws IOException {
    out.writeBoolean(r != null);
    if (r != null) {
      writeString(out, r.universalId());
      writeString(out, r.method());
      writeString(out, r.viaKey());
      writeStrings(out, r.aliases());
      writeString(out, r.linkedBy());
      writeInstant(out, r.linkedAt());
    }
  }

  public static IdentityResolution readResolution(DataInput in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    return new IdentityResolution(
        readString(in),
        readString(in),
        readString(in),
        readStrings(in),
        readString(in),
        readInstant(in));
  }
}
