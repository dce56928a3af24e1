package com.sendflowr.dispatch;

import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.codec.RecordBytes;
import com.sendflowr.flink.codec.RecordCodec;
import com.sendflowr.flink.codec.TimingDecisionCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The decision the scheduler holds per request until it fires, in binary: a format version, the
 * length of what follows, and the decision in {@link TimingDecisionCodec}.
 *
 * <p>Forward compatible by construction, so a job rolled back to this release reads the savepoint
 * of a newer one: later format versions may only <em>append</em> fields after the decision, and a
 * reader reads the decision and skips whatever follows it within the length. A change that cannot
 * be an append needs a new state name, not a new version here.
 *
 * <p>Why binary: at fire time the scheduler reads each due decision back, and parsing it from JSON
 * was most of the scheduler's CPU when thousands fall due in the same second. The previous
 * release's JSON state is migrated on restore ({@link com.sendflowr.flink.BinaryCodecSerializer}).
 */
public final class LatestDecisionCodec extends RecordCodec<TimingDecision> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  /** A decision is a few hundred bytes; anything near this is not one. */
  private static final int MAX_BYTES = 1 << 24;

  public static final TypeInformation<TimingDecision> TYPE =
      BinaryCodecTypeInfo.of(new LatestDecisionCodec());

  public LatestDecisionCodec() {
    super(TimingDecision.class);
  }

  @Override
  protected void writeRecord(DataOutput out, TimingDecision value) throws IOException {
    byte[] decision = RecordBytes.encode(o -> TimingDecisionCodec.write(o, value));
    out.writeByte(VERSION);
    out.writeInt(decision.length);
    out.write(decision);
  }

  @Override
  protected TimingDecision readRecord(DataInput in) throws IOException {
    int version = in.readUnsignedByte();
    if (version < 1) {
      throw new IllegalArgumentException("latest decision format version " + version);
    }
    int length = in.readInt();
    if (length < 1 || length > MAX_BYTES) {
      throw new IllegalArgumentException("implausible latest decision length " + length);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    // Whatever a newer version appended after the decision is left unread.
    return TimingDecisionCodec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
  }
}
