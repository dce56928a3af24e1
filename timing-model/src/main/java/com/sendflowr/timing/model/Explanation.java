package com.sendflowr.timing.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to reconstruct a decision: the inputs it saw, the curve's peak, the weights
 * that applied, the chosen minute and the runners-up with their scores, the latency and its source,
 * the confidence and its components, the policy and the suppression state.
 *
 * @param policy "personal" or "fallback:&lt;policy&gt;"
 * @param policyReason why that policy was used
 * @param basePeakMinute minute-of-week where the curve the decision scored (the lead-adjusted
 *     response curve for a curve policy) peaks, over the week
 * @param weeklyCurve that curve by hour of the week (168 values, hour 0 = Monday 00:00 UTC), as
 *     lift over a flat week, rounded to 3 decimals: what the explorer charts
 * @param best the best minute before shadow segmentation; null unless scheduled
 * @param chosen the minute actually chosen; null unless scheduled
 * @param suppressedUntil for a suppressed decision, when the last covering breaker ends
 */
public record Explanation(
    String recipientId,
    String intentId,
    String modelVersion,
    Instant decidedAt,
    Instant notBefore,
    Instant notAfter,
    Instant earliestReachable,
    DecisionOutcome outcome,
    String policy,
    String policyReason,
    InputSummary inputs,
    int basePeakMinute,
    double basePeakLift,
    List<Double> weeklyCurve,
    ScoredMinute best,
    ScoredMinute chosen,
    List<ScoredMinute> runnersUp,
    ShadowSpread spread,
    List<AppliedWeight> appliedWeights,
    List<AppliedWeight> breakersInWindow,
    Instant suppressedUntil,
    LatencyEstimate latency,
    boolean triggerClampedToNow,
    Confidence confidence,
    double confidenceThreshold) {

  public Explanation {
    runnersUp = List.copyOf(runnersUp);
    weeklyCurve = weeklyCurve == null ? List.of() : List.copyOf(weeklyCurve);
    appliedWeights = List.copyOf(appliedWeights);
    breakersInWindow = List.copyOf(breakersInWindow);
  }

  /** A JSON-ready tree (snake_case keys, ISO-8601 instants) for stores and logs. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recipient_id", recipientId);
    m.put("intent_id", intentId);
    m.put("model_version", modelVersion);
    m.put("decided_at", str(decidedAt));
    m.put("not_before", str(notBefore));
    m.put("not_after", str(notAfter));
    m.put("earliest_reachable", str(earliestReachable));
    m.put("outcome", outcome.wire());
    m.put("policy", policy);
    m.put("policy_reason", policyReason);
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("has_history", inputs.hasHistory());
    in.put("signal_count", inputs.signalCount());
    in.put("decayed_evidence", inputs.decayedEvidence());
    in.put("last_signal_at", str(inputs.lastSignalAt()));
    in.put("recipient_weight", inputs.recipientWeight());
    in.put("prior_weight", inputs.priorWeight());
    in.put("prior_members", inputs.priorMembers());
    in.put("prior_cohorts", inputs.priorCohorts());
    List<Object> cw = new ArrayList<>();
    for (CohortWeight w : inputs.cohortWeights()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("cohort", w.cohort());
      e.put("responsibility", w.responsibility());
      cw.add(e);
    }
    in.put("cohort_weights", cw);
    in.put("half_life_hours", inputs.halfLifeHours());
    in.put("smoothing_minutes", inputs.smoothingMinutes());
    in.put("response_lead_minutes", inputs.responseLeadMinutes());
    in.put("active_context_signals", inputs.activeContextSignals());
    m.put("inputs", in);
    m.put("base_curve_peak_minute", basePeakMinute);
    m.put("base_curve_peak_lift", basePeakLift);
    m.put("weekly_curve", weeklyCurve);
    m.put("best", minute(best));
    m.put("chosen", minute(chosen));
    List<Object> ru = new ArrayList<>();
    for (ScoredMinute s : runnersUp) {
      ru.add(minute(s));
    }
    m.put("runners_up", ru);
    if (spread != null) {
      Map<String, Object> sp = new LinkedHashMap<>();
      sp.put("bucket", spread.bucket());
      sp.put("near_optimal_minutes", spread.nearOptimalMinutes());
      sp.put("offset_minutes", spread.offsetMinutes());
      sp.put("offset_seconds", spread.offsetSeconds());
      sp.put("tolerance", spread.tolerance());
      m.put("shadow_spread", sp);
    } else {
      m.put("shadow_spread", null);
    }
    m.put("applied_weights", weights(appliedWeights));
    Map<String, Object> sup = new LinkedHashMap<>();
    sup.put("suppressed", outcome == DecisionOutcome.SUPPRESSED);
    sup.put("suppressed_until", str(suppressedUntil));
    sup.put("breakers_in_window", weights(breakersInWindow));
    m.put("suppression", sup);
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("seconds", latency == null ? null : latency.seconds());
    lat.put("source", latency == null ? null : latency.source().wire());
    lat.put("detail", latency == null ? null : latency.detail());
    lat.put("trigger_clamped_to_now", triggerClampedToNow);
    m.put("latency", lat);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("score", confidence.score());
    c.put("evidence", confidence.evidence());
    c.put("sharpness", confidence.sharpness());
    c.put("decayed_evidence", confidence.decayedEvidence());
    c.put("peak_lift", confidence.peakLift());
    c.put("threshold", confidenceThreshold);
    m.put("confidence", c);
    return m;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }

  private static Map<String, Object> minute(ScoredMinute s) {
    if (s == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("instant", s.instant().toString());
    m.put("minute_of_week", s.minuteOfWeek());
    m.put("activity_lift", s.activityLift());
    m.put("base_lift", s.baseLift());
    m.put("context_factor", s.contextFactor());
    m.put("score", s.score());
    return m;
  }

  private static List<Object> weights(List<AppliedWeight> ws) {
    List<Object> out = new ArrayList<>();
    for (AppliedWeight w : ws) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("signal", w.signal());
      m.put("role", w.role().wire());
      m.put("weight", w.weight());
      m.put("from", w.from().toString());
      m.put("until", w.until().toString());
      out.add(m);
    }
    return out;
  }
}
