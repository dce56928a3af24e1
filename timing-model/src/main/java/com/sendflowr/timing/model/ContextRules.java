package com.sendflowr.timing.model;

import com.sendflowr.contract.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which signal types act as context and how, keyed by wire type so operators can map their own
 * types to hot-path or suppression roles next to the built-in ones.
 */
public record ContextRules(Map<String, Rule> rules) {

  /** The default circuit-breaker duration. */
  public static final Duration DEFAULT_BREAKER_DURATION = Duration.ofHours(48);

  /**
   * One mapping.
   *
   * @param amplitude hot-path weight at the moment of the signal (ignored for other roles)
   * @param decay hot-path e-folding time
   * @param duration how long the signal stays active (breaker length; hot-path cut-off)
   * @param clears for {@link ContextRole#CLEAR}: the wire type whose breakers it ends
   */
  public record Rule(
      ContextRole role, double amplitude, Duration decay, Duration duration, String clears) {
    public Rule {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative");
      }
      if (role == ContextRole.HOT_PATH) {
        if (!(amplitude > -1) || Double.isInfinite(amplitude)) {
          throw new IllegalArgumentException("hot-path amplitude must be > -1");
        }
        Objects.requireNonNull(decay, "decay");
        if (decay.isZero() || decay.isNegative()) {
          throw new IllegalArgumentException("hot-path decay must be positive");
        }
      }
      if (role == ContextRole.CLEAR) {
        Objects.requireNonNull(clears, "clears");
      }
    }

    public static Rule hotPath(double amplitude, Duration decay, Duration duration) {
      return new Rule(ContextRole.HOT_PATH, amplitude, decay, duration, null);
    }

    public static Rule circuitBreaker(Duration duration) {
      return new Rule(ContextRole.CIRCUIT_BREAKER, -1, null, duration, null);
    }

    public static Rule clears(String wireType) {
      return new Rule(ContextRole.CLEAR, 0, null, Duration.ZERO, wireType);
    }
  }

  public ContextRules {
    rules = Map.copyOf(rules);
  }

  /**
   * Live activity (a site visit, an SMS click, an app open) says "this person is here now"; support
   * tickets, complaints, unsubscribes and hard bounces say "do not send now".
   */
  public static ContextRules defaults() {
    Map<String, Rule> r = new LinkedHashMap<>();
    r.put(
        SignalType.SITE_VISIT.wire(),
        Rule.hotPath(2.0, Duration.ofMinutes(30), Duration.ofHours(6)));
    r.put(
        SignalType.SMS_CLICK.wire(),
        Rule.hotPath(1.5, Duration.ofMinutes(30), Duration.ofHours(6)));
    r.put(
        SignalType.APP_OPEN.wire(), Rule.hotPath(1.0, Duration.ofMinutes(20), Duration.ofHours(3)));
    r.put(SignalType.TICKET_OPENED.wire(), Rule.circuitBreaker(DEFAULT_BREAKER_DURATION));
    r.put(SignalType.COMPLAINT.wire(), Rule.circuitBreaker(DEFAULT_BREAKER_DURATION));
    r.put(SignalType.UNSUBSCRIBED.wire(), Rule.circuitBreaker(DEFAULT_BREAKER_DURATION));
    r.put(SignalType.HARD_BOUNCE.wire(), Rule.circuitBreaker(DEFAULT_BREAKER_DURATION));
    r.put(SignalType.TICKET_CLOSED.wire(), Rule.clears(SignalType.TICKET_OPENED.wire()));
    return new ContextRules(r);
  }

  public static ContextRules none() {
    return new ContextRules(Map.of());
  }

  /** A copy with one more (or a replaced) mapping. */
  public ContextRules with(String wireType, Rule rule) {
    Map<String, Rule> r = new LinkedHashMap<>(rules);
    r.put(wireType, rule);
    return new ContextRules(r);
  }

  /**
   * Separates a signal type from its source in a context key: {@code site_visit@shopify} is a site
   * visit reported by Shopify. A rule for the key itself wins; a rule for the bare type applies to
   * every source.
   */
  public static final char SOURCE_SEPARATOR = '@';

  /** The context key of a signal: its type, qualified by its source when it has one. */
  public static String key(String wireType, String source) {
    return source == null || source.isEmpty() ? wireType : wireType + SOURCE_SEPARATOR + source;
  }

  /** The signal type of a context key. */
  public static String typeOf(String key) {
    int at = key.indexOf(SOURCE_SEPARATOR);
    return at < 0 ? key : key.substring(0, at);
  }

  /**
   * @param key a signal type, or a context key ({@link #key}): its source-specific rule if there is
   *     one, else its type's
   */
  public Optional<Rule> ruleFor(String key) {
    Rule r = rules.get(key);
    if (r == null && key.indexOf(SOURCE_SEPARATOR) >= 0) {
      r = rules.get(typeOf(key));
    }
    return Optional.ofNullable(r);
  }

  /** The context signal a signal of {@code key} at {@code at} creates, if it has a role. */
  public Optional<ContextSignal> toSignal(String key, Instant at) {
    Rule r = ruleFor(key).orElse(null);
    if (r == null || r.role() == ContextRole.CLEAR) {
      return Optional.empty();
    }
    return Optional.of(
        new ContextSignal(key, r.role(), at, at.plus(r.duration()), r.amplitude(), r.decay()));
  }
}
