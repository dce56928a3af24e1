package com.sendflowr.timing.job.identity;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.TimingInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Routes each record to its primary key and sends one link to every other key it can name an id
 * for. Stateless, so it runs at its input's parallelism without a shuffle; the rules are {@link
 * IdentityKeys}'.
 */
public final class IdentityFanOut extends ProcessFunction<TimingInput, IdentityInput> {
  private static final long serialVersionUID = 1L;

  public static final String UID = "timing-identity-fan-out";
  static final String STAGE = "timing-job/identity";

  /**
   * The record under its primary key, with the plan's resolution, then its links. A dispatch
   * outcome carries the id its decision was made for: like any echoed id, it is resolved under that
   * id's key, so an outcome of a decision made provisionally follows the link made since.
   *
   * @throws IdentityKeys.InvalidIdentity when the record's keys cannot name a recipient
   */
  public static List<IdentityInput> route(TimingInput in) {
    String universalId;
    Map<String, String> keys;
    String recordRef;
    if (in.outcome() != null) {
      universalId = in.outcome().universalId();
      keys = Map.of();
      recordRef = "decision_id:" + in.outcome().decisionId();
    } else if (in.signal() != null) {
      universalId = in.signal().universalId();
      keys = in.signal().identityKeys();
      recordRef = "event_id:" + in.signal().eventId();
    } else {
      universalId = in.request().universalId();
      keys = in.request().identityKeys();
      recordRef = "request_id:" + in.request().requestId();
    }
    IdentityKeys.Plan plan = IdentityKeys.plan(universalId, keys);
    List<String> linked = plan.linked().stream().map(IdentityKeys.Key::display).toList();
    List<IdentityInput> out = new ArrayList<>(1 + linked.size());
    out.add(
        IdentityInput.of(
            plan.route(),
            in.resolvedAs(
                new IdentityResolution(plan.id(), plan.method(), plan.viaKey(), linked))));
    for (IdentityKeys.Key k : plan.linked()) {
      out.add(IdentityInput.of(k.id(), new Link(plan.id(), k.display(), recordRef)));
    }
    return out;
  }

  @Override
  public void processElement(TimingInput in, Context ctx, Collector<IdentityInput> out) {
    List<IdentityInput> routed;
    try {
      routed = route(in);
    } catch (IdentityKeys.InvalidIdentity e) {
      // The payload is the record as parsed; its keys are identifiers, never raw addresses.
      ctx.output(
          DeadLetters.TAG,
          Contracts.deadLetter(
              STAGE,
              null,
              null,
              Contracts.toJson(in),
              RejectReason.INVALID_FIELD,
              e.getMessage(),
              Instant.ofEpochMilli(ctx.timerService().currentProcessingTime())));
      return;
    }
    routed.forEach(out::collect);
  }
}
