package com.sendflowr.config;

import com.sendflowr.contract.ConfigChange;
import java.time.Duration;
import java.util.Set;

/**
 * What the timing job needs to know about an intent: how much autonomy it grants the model and its
 * default send window. ESP details stay in {@link IntentBinding}.
 *
 * @param confidenceThreshold below it a decision uses {@code fallbackPolicy}, labelled as such
 * @param fallbackPolicy {@code population_prior}, {@code hourly_projection} or {@code window_start}
 * @param defaultWindow window length for requests without {@code not_after}
 */
public record IntentSettings(
    String intentId,
    double confidenceThreshold,
    String fallbackPolicy,
    Duration defaultWindow,
    boolean enabled,
    long version) {

  public static final String ENTITY_TYPE = "intent";
  public static final double DEFAULT_CONFIDENCE_THRESHOLD = 0.2;
  public static final String DEFAULT_FALLBACK = "population_prior";
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

  /** The contract's window limit: the timing model refuses longer windows. */
  public static final Duration MAX_WINDOW = com.sendflowr.contract.Contracts.MAX_SEND_WINDOW;

  private static final Set<String> FALLBACKS =
      Set.of("population_prior", "hourly_projection", "window_start");

  public static IntentSettings defaults(String intentId) {
    return new IntentSettings(
        intentId, DEFAULT_CONFIDENCE_THRESHOLD, DEFAULT_FALLBACK, DEFAULT_WINDOW, true, 0);
  }

  /**
   * @throws IllegalArgumentException naming the missing or invalid field
   */
  public static IntentSettings fromChange(ConfigChange change) {
    if (!ENTITY_TYPE.equals(change.entityType())) {
      throw new IllegalArgumentException("not an " + ENTITY_TYPE + ": " + change.entityType());
    }
    SnapshotFields s = new SnapshotFields("an intent", change.snapshot());
    String fallback = s.optional("fallback_policy", DEFAULT_FALLBACK);
    if (!FALLBACKS.contains(fallback)) {
      throw s.invalid("fallback_policy", "must be one of " + FALLBACKS);
    }
    return new IntentSettings(
        change.entityId(),
        s.decimal("confidence_threshold", DEFAULT_CONFIDENCE_THRESHOLD, 0, 1),
        fallback,
        s.duration("default_window", DEFAULT_WINDOW, MAX_WINDOW),
        s.flag("enabled", true),
        change.version());
  }
}
