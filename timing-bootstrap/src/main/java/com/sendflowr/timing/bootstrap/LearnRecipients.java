package com.sendflowr.timing.bootstrap;

import com.sendflowr.timing.job.DecideFunction;
import com.sendflowr.timing.job.ModelSpec;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Learns each signal of history into the decide operator's own keyed state (its descriptors, so the
 * savepoint restores into the job), with the recipient's last activity and the one inactivity-TTL
 * timer a live recipient holds: a bootstrapped recipient is forgotten after the TTL like any other.
 * Signals of one recipient arrive in file order (one reader per file, and keyBy keeps the order of
 * one sender), the order the job would have learned them in.
 */
final class LearnRecipients extends KeyedStateBootstrapFunction<String, HistoryLine.Learn> {
  private static final long serialVersionUID = 1L;

  private final ModelSpec model;
  private final Duration recipientTtl;

  private transient ModelConfig config;
  private transient ValueState<RecipientState> recipient;
  private transient ValueState<Long> lastActivity;

  LearnRecipients(ModelSpec model, Duration recipientTtl) {
    this.model = model;
    this.recipientTtl = recipientTtl;
  }

  @Override
  public void open(OpenContext openContext) {
    config = model.config();
    recipient = getRuntimeContext().getState(DecideFunction.RECIPIENT_STATE);
    lastActivity = getRuntimeContext().getState(DecideFunction.LAST_ACTIVITY);
  }

  @Override
  public void processElement(HistoryLine.Learn in, Context ctx) throws Exception {
    RecipientState st = recipient.value();
    if (st == null) {
      st = new RecipientState();
    }
    st.update(in.type(), in.occurredAt(), config);
    recipient.update(st);

    long at = in.occurredAt().toEpochMilli();
    Long previous = lastActivity.value();
    if (previous != null && at <= previous) {
      return;
    }
    long check = DecideFunction.ttlCheckAt(at, recipientTtl);
    if (previous != null && DecideFunction.ttlCheckAt(previous, recipientTtl) != check) {
      ctx.timerService().deleteEventTimeTimer(DecideFunction.ttlCheckAt(previous, recipientTtl));
    }
    lastActivity.update(at);
    ctx.timerService().registerEventTimeTimer(check);
  }
}
