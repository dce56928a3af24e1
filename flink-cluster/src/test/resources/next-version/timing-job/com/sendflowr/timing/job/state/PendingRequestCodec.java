package com.sendflowr.timing.job.state;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeString;

import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.codec.RecordBytes;
import com.sendflowr.flink.codec.RecordCodec;
import com.sendflowr.flink.codec.SendRequestCodec;
import com.sendflowr.flink.codec.TimingDecisionCodec;
import com.sendflowr.timing.job.PendingRequest;
import com.sendflowr.timing.job.wire.TimingInputCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The timing job's next version of timing-job/src/main/java/.../state/PendingRequestCodec.java, for
 * SessionClusterTest's upgrade: format version 2 appends {@link PendingRequest#admittedBy()}; format
 * 1, which the previous version wrote, still reads (the field then reads as {@link
 * PendingRequest#ADMITTED_BEFORE}). Same class name, so a savepoint of the previous version
 * restores with it as is.
 */
public final class PendingRequestCodec extends RecordCodec<PendingRequest> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 2;

  public static final TypeInformation<PendingRequest> TYPE =
      BinaryCodecTypeInfo.of(new PendingRequestCodec());

  public PendingRequestCodec() {
    super(PendingRequest.class);
  }

  @Override
  protected void writeRecord(DataOutput out, PendingRequest value) throws IOException {
    write(out, value);
  }

  @Override
  protected PendingRequest readRecord(DataInput in) throws IOException {
    return read(in);
  }

  static void write(DataOutput out, PendingRequest p) throws IOException {
    out.writeByte(VERSION);
    SendRequestCodec.write(out, p.request());
    writeInstant(out, p.windowStart());
    writeInstant(out, p.windowEnd());
    TimingDecisionCodec.write(out, p.current());
    writeInstant(out, p.resumeAt());
    writeInstant(out, p.forgetAt());
    out.writeBoolean(p.dispatched());
    TimingInputCodec.writeResolution(out, p.identity());
    writeString(out, p.admittedBy());
  }

  static PendingRequest read(DataInput in) throws IOException {
    int version = in.readUnsignedByte();
    if (version < 1 || version > VERSION) {
      throw new IllegalArgumentException(
          "pending request format version " + version + ", this codec reads 1.." + VERSION);
    }
    return new PendingRequest(
        SendRequestCodec.read(in),
        readInstant(in),
        readInstant(in),
        TimingDecisionCodec.read(in),
        readInstant(in),
        readInstant(in),
        in.readBoolean(),
        TimingInputCodec.readResolution(in),
        version >= 2 ? readString(in) : PendingRequest.ADMITTED_BEFORE);
  }
}
