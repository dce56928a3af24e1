package com.sendflowr.timing.job.wire;

import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.writeString;

import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.codec.RecordBytes;
import com.sendflowr.flink.codec.RecordCodec;
import com.sendflowr.timing.job.identity.IdentityInput;
import com.sendflowr.timing.job.identity.Link;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** What an identity resolver receives: a record to resolve, or a link, under its route. */
public final class IdentityInputCodec extends RecordCodec<IdentityInput> {
  private static final long serialVersionUID = 1L;

  /** The type information every operator producing a {@link IdentityInput} declares. */
  public static final TypeInformation<IdentityInput> TYPE =
      BinaryCodecTypeInfo.of(new IdentityInputCodec());

  private static final int VERSION = 1;

  public IdentityInputCodec() {
    super(IdentityInput.class);
  }

  @Override
  protected void writeRecord(DataOutput out, IdentityInput value) throws IOException {
    out.writeByte(VERSION);
    writeString(out, value.route());
    out.writeBoolean(value.record() != null);
    if (value.record() != null) {
      TimingInputCodec.write(out, value.record());
    } else {
      writeLink(out, value.link());
    }
  }

  @Override
  protected IdentityInput readRecord(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "identity input");
    String route = readString(in);
    return in.readBoolean()
        ? IdentityInput.of(route, TimingInputCodec.read(in))
        : IdentityInput.of(route, readLink(in));
  }

  private static void writeLink(DataOutput out, Link link) throws IOException {
    writeString(out, link.into());
    writeString(out, link.key());
    writeString(out, link.linkedBy());
  }

  private static Link readLink(DataInput in) throws IOException {
    return new Link(readString(in), readString(in), readString(in));
  }
}
