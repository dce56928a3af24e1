package com.sendflowr.config;

import com.sendflowr.contract.ConfigChange;
import java.time.Duration;
import java.util.Locale;

/**
 * Maps a signal type to a context role for one intent (or every intent): a hot path raises the
 * propensity to send right now, a circuit breaker forces it to zero for a while, a clear ends the
 * breakers of another type. The timing job reads these from the config topic; nothing about roles
 * is hard-coded in it.
 *
 * @param source the signal source it applies to (e.g. {@code shopify}), or null for every source
 * @param intentId the intent it applies to, or {@link #ALL_INTENTS}
 * @param weight hot-path weight {@code w} at the moment of the signal ({@code P * (1 + w)})
 * @param decay hot-path e-folding time of the weight
 * @param duration how long the signal stays active: the breaker length, or the hot-path cut-off
 * @param clears for {@link Role#CLEAR}: the signal type whose breakers it ends
 */
public record SignalMapping(
    String mappingId,
    String signalType,
    String source,
    String intentId,
    Role role,
    double weight,
    Duration decay,
    Duration duration,
    String clears,
    long version) {

  public static final String ENTITY_TYPE = "signal_mapping";
  public static final String ALL_INTENTS = "*";
  public static final Duration DEFAULT_BREAKER_DURATION = Duration.ofHours(48);
  public static final Duration DEFAULT_HOT_PATH_DURATION = Duration.ofHours(6);
  public static final Duration DEFAULT_HOT_PATH_DECAY = Duration.ofMinutes(30);
  public static final double DEFAULT_HOT_PATH_WEIGHT = 2.0;

  /** Longer context would persist, which context weights must never do. */
  static final Duration MAX_DURATION = Duration.ofDays(30);

  /** The context role of a signal type. */
  public enum Role {
    HOT_PATH,
    CIRCUIT_BREAKER,
    CLEAR;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Role fromWire(String wire) {
      for (Role r : values()) {
        if (r.wire().equals(wire)) {
          return r;
        }
      }
      throw new IllegalArgumentException(
          "'role' must be hot_path, circuit_breaker or clear in a signal mapping");
    }
  }

  public boolean appliesTo(String intent) {
    return ALL_INTENTS.equals(intentId) || intentId.equals(intent);
  }

  /** Whether a signal from {@code signalSource} is one this mapping covers. */
  public boolean coversSource(String signalSource) {
    return source == null || source.equals(signalSource);
  }

  /**
   * What its rule is keyed by in the timing model: the type, or {@code type@source} for a mapping
   * of one source (the model applies a type's rule to every source that has none of its own).
   */
  public String contextKey() {
    return source == null ? signalType : signalType + "@" + source;
  }

  /**
   * @throws IllegalArgumentException naming the missing or invalid field
   */
  public static SignalMapping fromChange(ConfigChange change) {
    if (!ENTITY_TYPE.equals(change.entityType())) {
      throw new IllegalArgumentException("not a " + ENTITY_TYPE + ": " + change.entityType());
    }
    SnapshotFields s = new SnapshotFields("a signal mapping", change.snapshot());
    Role role = Role.fromWire(s.required("role"));
    Duration duration =
        s.duration(
            "duration",
            role == Role.HOT_PATH ? DEFAULT_HOT_PATH_DURATION : DEFAULT_BREAKER_DURATION,
            MAX_DURATION);
    String source = s.optional("source", null);
    if (source != null && (source.isEmpty() || source.indexOf('@') >= 0)) {
      throw s.invalid("source", "must be a non-empty source name without '@'");
    }
    return new SignalMapping(
        change.entityId(),
        s.required("signal_type"),
        source,
        s.optional("intent_id", ALL_INTENTS),
        role,
        role == Role.HOT_PATH ? s.decimal("weight", DEFAULT_HOT_PATH_WEIGHT, 0, 1_000) : -1,
        role == Role.HOT_PATH ? s.duration("decay", DEFAULT_HOT_PATH_DECAY, MAX_DURATION) : null,
        role == Role.CLEAR ? Duration.ZERO : duration,
        role == Role.CLEAR ? s.required("clears") : null,
        change.version());
  }
}
