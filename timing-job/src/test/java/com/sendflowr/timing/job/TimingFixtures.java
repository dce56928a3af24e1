package com.sendflowr.timing.job;

import com.sendflowr.config.IntentSettings;
import com.sendflowr.config.SignalMapping;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records the timing job's tests build: histories, requests and connector config. */
final class TimingFixtures {
  static final String INTENT = "promo_jan";
  private static final Instant CHANGED_AT = Instant.parse("2026-01-01T00:00:00Z");

  private TimingFixtures() {}

  /**
   * Clicks at about {@code minuteOfDay} UTC on each of the {@code days} days before {@code end}, a
   * few minutes apart, so the recipient has a clear daily habit.
   */
  static List<Signal> dailyHabit(String recipient, Instant end, int minuteOfDay, int days) {
    List<Signal> out = new ArrayList<>();
    Instant midnight = end.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    for (int d = days; d >= 1; d--) {
      Instant at = midnight.minus(Duration.ofDays(d)).plus(Duration.ofMinutes(minuteOfDay + d % 7));
      out.add(signal(recipient + "-click-" + d, "click", at, recipient));
    }
    return out;
  }

  static Signal signal(String eventId, String type, Instant at, String recipient) {
    return new Signal(eventId, type, at, recipient, Map.of(), "test", Map.of());
  }

  static SendRequest request(
      String requestId, String recipient, Instant notBefore, Instant notAfter) {
    return new SendRequest(
        requestId, recipient, Map.of(), INTENT, notBefore, notAfter, null, Map.of("k", "v"));
  }

  static ConfigChange hotPath(String signalType, double weight, long version) {
    Map<String, Object> s = new HashMap<>();
    s.put("signal_type", signalType);
    s.put("intent_id", INTENT);
    s.put("role", "hot_path");
    s.put("weight", weight);
    s.put("decay", "PT30M");
    s.put("duration", "PT6H");
    return new ConfigChange(
        SignalMapping.ENTITY_TYPE, signalType + "." + INTENT, version, CHANGED_AT, false, s);
  }

  static ConfigChange breaker(String signalType, Duration duration, long version) {
    Map<String, Object> s = new HashMap<>();
    s.put("signal_type", signalType);
    s.put("role", "circuit_breaker");
    s.put("duration", duration.toString());
    return new ConfigChange(
        SignalMapping.ENTITY_TYPE, signalType + ".all", version, CHANGED_AT, false, s);
  }

  static ConfigChange clears(String signalType, String cleared, long version) {
    Map<String, Object> s = new HashMap<>();
    s.put("signal_type", signalType);
    s.put("role", "clear");
    s.put("clears", cleared);
    return new ConfigChange(
        SignalMapping.ENTITY_TYPE, signalType + ".all", version, CHANGED_AT, false, s);
  }

  static ConfigChange intent(Map<String, Object> snapshot, long version) {
    return new ConfigChange(
        IntentSettings.ENTITY_TYPE, INTENT, version, CHANGED_AT, false, snapshot);
  }

  /** What the dispatcher reports for a decision. */
  static DispatchOutcome outcome(TimingDecision d, OutcomeState state, Instant firedAt) {
    return new DispatchOutcome(
        "out-" + d.decisionId() + "-" + state.wire(),
        d.decisionId(),
        d.version(),
        d.requestId(),
        d.intentId(),
        d.universalId(),
        "promo_jan@klaviyo",
        "idem-" + d.decisionId(),
        "klaviyo",
        null,
        null,
        null,
        1,
        state == OutcomeState.ACCEPTED ? 202 : null,
        null,
        d.triggerTimestampUtc(),
        firedAt,
        Duration.between(d.triggerTimestampUtc(), firedAt).toMillis(),
        state,
        state.wire());
  }

  /** The same signal naming its recipient by identity keys only. */
  static Signal byKeys(Signal s, Map<String, String> keys) {
    return new Signal(
        s.eventId(), s.eventType(), s.occurredAt(), null, keys, s.source(), s.properties());
  }

  static SendRequest byKeys(SendRequest r, Map<String, String> keys) {
    return new SendRequest(
        r.requestId(), null, keys, r.intentId(), r.notBefore(), r.notAfter(), null, r.metadata());
  }
}
