package com.sendflowr.flink.codec;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeString;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A dispatch outcome between operators, in binary: every dispatched event's outcome crosses the
 * network from the ESP call to the outcomes sink, and writing it as JSON there and reading it back
 * cost more than the sink's own JSON for Kafka.
 */
public final class DispatchOutcomeCodec extends RecordCodec<DispatchOutcome> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  /** The type information of a stream of {@link DispatchOutcome}s. */
  public static final TypeInformation<DispatchOutcome> TYPE =
      BinaryCodecTypeInfo.of(new DispatchOutcomeCodec());

  public DispatchOutcomeCodec() {
    super(DispatchOutcome.class);
  }

  @Override
  protected void writeRecord(DataOutput out, DispatchOutcome o) throws IOException {
    out.writeByte(VERSION);
    writeString(out, o.outcomeId());
    writeString(out, o.decisionId());
    out.writeInt(o.decisionVersion());
    writeString(out, o.requestId());
    writeString(out, o.intentId());
    writeString(out, o.universalId());
    writeString(out, o.bindingId());
    writeString(out, o.idempotencyKey());
    writeString(out, o.esp());
    writeString(out, o.espCampaignId());
    writeString(out, o.espTemplateId());
    writeString(out, o.espNotificationId());
    out.writeInt(o.attempts());
    out.writeBoolean(o.espStatus() != null);
    if (o.espStatus() != null) {
      out.writeInt(o.espStatus());
    }
    writeString(out, o.espResponseId());
    writeInstant(out, o.triggerTimestampUtc());
    writeInstant(out, o.firedAt());
    out.writeLong(o.latenessMillis());
    writeString(out, o.state() == null ? null : o.state().name());
    writeString(out, o.detail());
  }

  @Override
  protected DispatchOutcome readRecord(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "dispatch outcome");
    String outcomeId = readString(in);
    String decisionId = readString(in);
    int decisionVersion = in.readInt();
    String requestId = readString(in);
    String intentId = readString(in);
    String universalId = readString(in);
    String bindingId = readString(in);
    String idempotencyKey = readString(in);
    String esp = readString(in);
    String campaignId = readString(in);
    String templateId = readString(in);
    String notificationId = readString(in);
    int attempts = in.readInt();
    Integer espStatus = in.readBoolean() ? in.readInt() : null;
    String responseId = readString(in);
    var trigger = readInstant(in);
    var firedAt = readInstant(in);
    long lateness = in.readLong();
    String state = readString(in);
    String detail = readString(in);
    return new DispatchOutcome(
        outcomeId,
        decisionId,
        decisionVersion,
        requestId,
        intentId,
        universalId,
        bindingId,
        idempotencyKey,
        esp,
        campaignId,
        templateId,
        notificationId,
        attempts,
        espStatus,
        responseId,
        trigger,
        firedAt,
        lateness,
        state == null ? null : OutcomeState.valueOf(state),
        detail);
  }
}
