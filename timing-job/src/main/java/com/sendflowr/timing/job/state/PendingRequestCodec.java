package com.sendflowr.timing.job.state;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;

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
 * An open request in keyed state, in binary: read on every hot-path signal and timer of its
 * recipient, written on every decision version.
 */
public final class PendingRequestCodec extends RecordCodec<PendingRequest> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

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
  }

  static PendingRequest read(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "pending request");
    return new PendingRequest(
        SendRequestCodec.read(in),
        readInstant(in),
        readInstant(in),
        TimingDecisionCodec.read(in),
        readInstant(in),
        readInstant(in),
        in.readBoolean(),
        TimingInputCodec.readResolution(in));
  }
}
