package com.sendflowr.flink.codec;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.readStringMap;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeString;
import static com.sendflowr.flink.codec.RecordBytes.writeStringMap;

import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** A timing decision in binary: as the latest version of a pending request in keyed state. */
public final class TimingDecisionCodec extends RecordCodec<TimingDecision> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  public static final TypeInformation<TimingDecision> TYPE =
      BinaryCodecTypeInfo.of(new TimingDecisionCodec());

  public TimingDecisionCodec() {
    super(TimingDecision.class);
  }

  @Override
  protected void writeRecord(DataOutput out, TimingDecision value) throws IOException {
    write(out, value);
  }

  @Override
  protected TimingDecision readRecord(DataInput in) throws IOException {
    return read(in);
  }

  public static void write(DataOutput out, TimingDecision d) throws IOException {
    out.writeByte(VERSION);
    writeString(out, d.decisionId());
    writeString(out, d.requestId());
    writeString(out, d.intentId());
    writeString(out, d.universalId());
    out.writeInt(d.version());
    writeString(out, d.status() == null ? null : d.status().name());
    writeString(out, d.supersedes());
    out.writeInt(d.targetMinuteUtc());
    writeInstant(out, d.targetTimestampUtc());
    writeInstant(out, d.triggerTimestampUtc());
    out.writeDouble(d.latencyEstimateSeconds());
    writeString(out, d.latencySource());
    out.writeDouble(d.confidenceScore());
    writeString(out, d.modelVersion());
    writeString(out, d.explanationRef());
    writeInstant(out, d.createdAtUtc());
    writeInstant(out, d.notAfter());
    writeStringMap(out, d.metadata());
    TimingDecision.Debug debug = d.debug();
    out.writeBoolean(debug != null);
    if (debug != null) {
      out.writeBoolean(debug.baseCurvePeakMinute() != null);
      if (debug.baseCurvePeakMinute() != null) {
        out.writeInt(debug.baseCurvePeakMinute());
      }
      out.writeInt(debug.appliedWeights().size());
      for (TimingDecision.AppliedWeight w : debug.appliedWeights()) {
        writeString(out, w.signal());
        out.writeDouble(w.weight());
      }
      out.writeBoolean(debug.suppressed());
    }
  }

  public static TimingDecision read(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "timing decision");
    String decisionId = readString(in);
    String requestId = readString(in);
    String intentId = readString(in);
    String universalId = readString(in);
    int version = in.readInt();
    String status = readString(in);
    String supersedes = readString(in);
    int targetMinute = in.readInt();
    var target = readInstant(in);
    var trigger = readInstant(in);
    double latency = in.readDouble();
    String latencySource = readString(in);
    double confidence = in.readDouble();
    String modelVersion = readString(in);
    String explanationRef = readString(in);
    var createdAt = readInstant(in);
    var notAfter = readInstant(in);
    var metadata = readStringMap(in);
    TimingDecision.Debug debug = null;
    if (in.readBoolean()) {
      Integer peak = in.readBoolean() ? in.readInt() : null;
      int n = in.readInt();
      if (n < 0 || n > 1 << 16) {
        throw new IllegalArgumentException("implausible number of applied weights " + n);
      }
      List<TimingDecision.AppliedWeight> weights = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        weights.add(new TimingDecision.AppliedWeight(readString(in), in.readDouble()));
      }
      debug = new TimingDecision.Debug(peak, weights, in.readBoolean());
    }
    return new TimingDecision(
        decisionId,
        requestId,
        intentId,
        universalId,
        version,
        status == null ? null : DecisionStatus.valueOf(status),
        supersedes,
        targetMinute,
        target,
        trigger,
        latency,
        latencySource,
        confidence,
        modelVersion,
        explanationRef,
        createdAt,
        notAfter,
        metadata,
        debug);
  }
}
