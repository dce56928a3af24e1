package com.sendflowr.dispatch.esp;

import com.sendflowr.contract.Instants;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.DispatchCommand;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every adapter tells the ESP about the decision, under the same names for every ESP, so a
 * brand's templates and reports read {@code sendflowr_*} fields whichever ESP fires them.
 */
public final class DispatchProperties {
  /** The field carrying {@link DispatchCommand#idempotencyKey()} where the ESP has no key. */
  public static final String IDEMPOTENCY_KEY = "sendflowr_idempotency_key";

  private DispatchProperties() {}

  /** The decision's fields and, when present, its metadata as a nested {@code metadata} object. */
  public static Map<String, Object> of(DispatchCommand command) {
    TimingDecision d = command.decision();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("sendflowr_intent_id", d.intentId());
    p.put("sendflowr_request_id", d.requestId());
    p.put("sendflowr_decision_id", d.decisionId());
    p.put("sendflowr_decision_version", d.version());
    p.put("sendflowr_explanation_ref", d.explanationRef());
    p.put("sendflowr_target_timestamp_utc", Instants.format(d.targetTimestampUtc()));
    p.put("sendflowr_trigger_timestamp_utc", Instants.format(d.triggerTimestampUtc()));
    p.put("sendflowr_target_minute_utc", d.targetMinuteUtc());
    p.put("sendflowr_latency_estimate_seconds", d.latencyEstimateSeconds());
    p.put("sendflowr_confidence_score", d.confidenceScore());
    if (!d.metadata().isEmpty()) {
      p.put("metadata", d.metadata());
    }
    return p;
  }

  /** {@link #of} plus the idempotency key, for ESPs that do not deduplicate by a key of theirs. */
  public static Map<String, Object> withKey(DispatchCommand command) {
    Map<String, Object> p = of(command);
    p.put(IDEMPOTENCY_KEY, command.idempotencyKey());
    return p;
  }

  /** The recipient's email from the decision metadata, or null. */
  static String email(DispatchCommand command) {
    return command.decision().metadata().get("email");
  }
}
