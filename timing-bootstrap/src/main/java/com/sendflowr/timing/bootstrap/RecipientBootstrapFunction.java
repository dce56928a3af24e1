package com.sendflowr.timing.bootstrap;

import com.sendflowr.timing.job.DecideFunction;
import com.sendflowr.timing.model.RecipientState;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Writes one learned recipient into the decide operator's keyed state, under the operator's own
 * state descriptors, with the inactivity-TTL timer a live recipient holds: a bootstrapped recipient
 * is forgotten after the TTL like any other, and holds one timer like any other.
 */
final class RecipientBootstrapFunction
    extends KeyedStateBootstrapFunction<String, LearnedRecipient> {
  private static final long serialVersionUID = 1L;

  private final Duration recipientTtl;

  private transient ValueState<RecipientState> recipient;
  private transient ValueState<Long> lastActivity;

  RecipientBootstrapFunction(Duration recipientTtl) {
    this.recipientTtl = recipientTtl;
  }

  @Override
  public void open(OpenContext openContext) {
    recipient = getRuntimeContext().getState(DecideFunction.RECIPIENT_STATE);
    lastActivity = getRuntimeContext().getState(DecideFunction.LAST_ACTIVITY);
  }

  @Override
  public void processElement(LearnedRecipient in, Context ctx) throws Exception {
    recipient.update(RecipientState.fromBytes(in.state()));
    lastActivity.update(in.lastActivityMillis());
    ctx.timerService()
        .registerEventTimeTimer(DecideFunction.ttlCheckAt(in.lastActivityMillis(), recipientTtl));
  }
}
