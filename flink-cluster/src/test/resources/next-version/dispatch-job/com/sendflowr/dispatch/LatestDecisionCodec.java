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
 * The dispatch job's next version of dispatch-job/src/main/java/.../LatestDecisionCodec.java, for
 * SessionClusterTest's upgrade: format version 2 appends {@link TimingDecision#receivedBy()} after
 * the decision, which is the only kind of change the format allows, so the previous version reads
 * it (skipping the field) when the job is rolled back. Format 1, which the previous version wrote,
 * reads with the field null. Same class name, so a savepoint of the previous version restores with
 * it as is.
 */
public final class LatestDecisionCodec extends RecordCodec<TimingDecision> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 2;
  private static final int MAX_BYTES = 1 << 24;

  public static final TypeInformation<TimingDecision> TYPE =
      BinaryCodecTypeInfo.of(new LatestDecisionCodec());

  public LatestDecisionCodec() {
    super(TimingDecision.class);
  }

  @Override
  protected void writeRecord(DataOutput out, TimingDecision value) throws IOException {
    byte[] decision =
        RecordBytes.encode(
            o -> {
              TimingDecisionCodec.write(o, value);
              RecordBytes.writeString(o, value.receivedBy());
            });
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
    DataInputStream fields = new DataInputStream(new ByteArrayInputStream(bytes));
    TimingDecision d = TimingDecisionCodec.read(fields);
    String receivedBy = version >= 2 ? RecordBytes.readString(fields) : null;
    return new TimingDecision(
        d.decisionId(),
        d.requestId(),
        d.intentId(),
        d.universalId(),
        d.version(),
        d.status(),
        d.supersedes(),
        d.targetMinuteUtc(),
        d.targetTimestampUtc(),
        d.triggerTimestampUtc(),
        d.latencyEstimateSeconds(),
        d.latencySource(),
        d.confidenceScore(),
        d.modelVersion(),
        d.explanationRef(),
        d.createdAtUtc(),
        d.notAfter(),
        d.metadata(),
        d.debug(),
        receivedBy);
  }
}
