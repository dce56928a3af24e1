package com.sendflowr.timing.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One active context signal: its weight at time t is {@code w(t)} in {@code P_final(t) = P_base(t)
 * * prod(1 + w_i(t))}. Zero outside [from, until), so context never persists.
 *
 * @param amplitude hot-path weight at {@code from}; ignored for circuit breakers (always -1)
 * @param decay hot-path e-folding time; null for circuit breakers
 */
public record ContextSignal(
    String type, ContextRole role, Instant from, Instant until, double amplitude, Duration decay) {

  public ContextSignal {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(until, "until");
    if (role == ContextRole.CLEAR) {
      throw new IllegalArgumentException("a clear rule is not an active signal");
    }
    if (until.isBefore(from)) {
      throw new IllegalArgumentException("until must not be before from");
    }
    if (role == ContextRole.HOT_PATH) {
      Objects.requireNonNull(decay, "decay");
      if (!(amplitude > -1)) {
        throw new IllegalArgumentException("hot-path amplitude must be > -1");
      }
    }
  }

  public static ContextSignal circuitBreaker(String type, Instant from, Duration duration) {
    return new ContextSignal(
        type, ContextRole.CIRCUIT_BREAKER, from, from.plus(duration), -1, null);
  }

  public static ContextSignal hotPath(
      String type, Instant from, double amplitude, Duration decay, Duration duration) {
    return new ContextSignal(
        type, ContextRole.HOT_PATH, from, from.plus(duration), amplitude, decay);
  }

  public boolean isActiveAt(long epochSecond) {
    return epochSecond >= from.getEpochSecond() && epochSecond < until.getEpochSecond();
  }

  /** w(t): -1 inside a breaker, a decaying boost after a hot path, otherwise 0. */
  public double weightAt(long epochSecond) {
    if (!isActiveAt(epochSecond)) {
      return 0;
    }
    if (role == ContextRole.CIRCUIT_BREAKER) {
      return -1;
    }
    return boost(amplitude, epochSecond - from.getEpochSecond(), decay.toSeconds());
  }

  /** A hot path's weight {@code ageSeconds} after it started: the one formula for it. */
  static double boost(double amplitude, double ageSeconds, double decaySeconds) {
    return amplitude * Math.exp(-ageSeconds / decaySeconds);
  }

  /** A copy that ends at {@code end} (when earlier), e.g. a ticket closed before 48 h passed. */
  public ContextSignal endingAt(Instant end) {
    if (!end.isBefore(until)) {
      return this;
    }
    Instant u = end.isBefore(from) ? from : end;
    return new ContextSignal(type, role, from, u, amplitude, decay);
  }
}
