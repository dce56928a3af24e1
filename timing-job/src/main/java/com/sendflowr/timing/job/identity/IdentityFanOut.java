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
 * for. A record that carries its own universal id is resolved already and leaves on the main
 * output; everything else goes to the side output of the resolver for its key's strength ({@link
 * IdentityRoutes}). Stateless, so it runs at its input's parallelism without a shuffle; the rules
 * are {@link IdentityKeys}'.
 */
public final class IdentityFanOut extends ProcessFunction<TimingInput, TimingInput> {
  private static final long serialVersionUID = 1L;

  /** The stable uid of the fan-out of one named input. */
  public static String uid(String input) {
    return "timing-identity-fan-out-" + input;
  }

  static final String STAGE = "timing-job/identity";

  /**
   * The record under its primary key, with the plan's resolution, then its links. A dispatch
   * outcome carries the id its decision was made for: like any echoed id, it is resolved under that
   * id's key, so an outcome of a decision made provisionally follows the link made since.
   *
   * @throws IdentityKeys.InvalidIdentity when the record's keys cannot name a recipient
   */
  public static List<IdentityInput> route(TimingInput in) {
    IdentityKeys.Plan plan = plan(in);
    String recordRef = recordRef(in);
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

  /** What the record's own fields say about its recipient. */
  static IdentityKeys.Plan plan(TimingInput in) {
    if (in.outcome() != null) {
      return IdentityKeys.plan(in.outcome().universalId(), Map.of());
    }
    if (in.signal() != null) {
      return IdentityKeys.plan(in.signal().universalId(), in.signal().identityKeys());
    }
    return IdentityKeys.plan(in.request().universalId(), in.request().identityKeys());
  }

  /** How links name the record that made them. */
  static String recordRef(TimingInput in) {
    if (in.outcome() != null) {
      return "decision_id:" + in.outcome().decisionId();
    }
    return in.signal() != null
        ? "event_id:" + in.signal().eventId()
        : "request_id:" + in.request().requestId();
  }

  @Override
  public void processElement(TimingInput in, Context ctx, Collector<TimingInput> out) {
    List<IdentityInput> routed;
    try {
      routed = route(in);
    } catch (IdentityKeys.InvalidIdentity e) {
      // Like every dead letter, it keeps the input (here the record as parsed) for a replay; the
      // detail names the problem, never the key's value.
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
    for (IdentityInput r : routed) {
      if (r.route().startsWith(IdentityKeys.GIVEN_ROUTE_PREFIX)) {
        out.collect(r.record());
      } else {
        ctx.output(IdentityRoutes.of(r), r);
      }
    }
  }
}
