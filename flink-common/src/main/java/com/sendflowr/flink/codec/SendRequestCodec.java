package com.sendflowr.flink.codec;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.readStringMap;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeString;
import static com.sendflowr.flink.codec.RecordBytes.writeStringMap;

import com.sendflowr.contract.SendRequest;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** A send request between operators and in state, in binary. */
public final class SendRequestCodec extends RecordCodec<SendRequest> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  /** The type information of a stream of {@link SendRequest}s. */
  public static final TypeInformation<SendRequest> TYPE =
      BinaryCodecTypeInfo.of(new SendRequestCodec());

  public SendRequestCodec() {
    super(SendRequest.class);
  }

  @Override
  protected void writeRecord(DataOutput out, SendRequest value) throws IOException {
    write(out, value);
  }

  @Override
  protected SendRequest readRecord(DataInput in) throws IOException {
    return read(in);
  }

  public static void write(DataOutput out, SendRequest r) throws IOException {
    out.writeByte(VERSION);
    writeString(out, r.requestId());
    writeString(out, r.universalId());
    writeStringMap(out, r.identityKeys());
    writeString(out, r.intentId());
    writeInstant(out, r.notBefore());
    writeInstant(out, r.notAfter());
    writeInstant(out, r.requestedAt());
    writeStringMap(out, r.metadata());
  }

  public static SendRequest read(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "send request");
    return new SendRequest(
        readString(in),
        readString(in),
        readStringMap(in),
        readString(in),
        readInstant(in),
        readInstant(in),
        readInstant(in),
        readStringMap(in));
  }
}
