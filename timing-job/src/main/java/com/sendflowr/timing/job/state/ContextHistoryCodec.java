package com.sendflowr.timing.job.state;

import static com.sendflowr.flink.codec.RecordBytes.readInstant;
import static com.sendflowr.flink.codec.RecordBytes.readString;
import static com.sendflowr.flink.codec.RecordBytes.writeInstant;
import static com.sendflowr.flink.codec.RecordBytes.writeString;

import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.codec.RecordBytes;
import com.sendflowr.flink.codec.RecordCodec;
import com.sendflowr.timing.job.ContextHistory;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** A recipient's recent context signals in keyed state, in binary: written on each of them. */
public final class ContextHistoryCodec extends RecordCodec<ContextHistory> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  public static final TypeInformation<ContextHistory> TYPE =
      BinaryCodecTypeInfo.of(new ContextHistoryCodec());

  public ContextHistoryCodec() {
    super(ContextHistory.class);
  }

  @Override
  protected void writeRecord(DataOutput out, ContextHistory value) throws IOException {
    out.writeByte(VERSION);
    out.writeInt(value.events().size());
    for (ContextHistory.Event e : value.events()) {
      writeString(out, e.type());
      writeInstant(out, e.at());
    }
  }

  @Override
  protected ContextHistory readRecord(DataInput in) throws IOException {
    RecordBytes.requireVersion(in, VERSION, "context history");
    int n = in.readInt();
    if (n < 0 || n > 1 << 16) {
      throw new IllegalArgumentException("implausible context history size " + n);
    }
    List<ContextHistory.Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(new ContextHistory.Event(readString(in), readInstant(in)));
    }
    return new ContextHistory(events);
  }
}
