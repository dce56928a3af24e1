package com.sendflowr.timing.job.state;

import com.sendflowr.flink.BinaryCodec;
import com.sendflowr.timing.model.RecipientState;

/** The timing model's own versioned layout of a recipient's history, as Flink state. */
public final class RecipientStateCodec implements BinaryCodec<RecipientState> {
  private static final long serialVersionUID = 1L;

  @Override
  public Class<RecipientState> type() {
    return RecipientState.class;
  }

  @Override
  public byte[] encode(RecipientState value) {
    return value.toBytes();
  }

  @Override
  public RecipientState decode(byte[] bytes) {
    return RecipientState.fromBytes(bytes);
  }

  @Override
  public RecipientState copy(RecipientState value) {
    return value.copy();
  }
}
