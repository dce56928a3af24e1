package com.sendflowr.dispatch.esp;

import com.sendflowr.flink.Backoff;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try an ESP call again. A call is retried for as long as its decision can still meet its
 * lateness budget, not for a fixed number of attempts: an outage of a minute must not fail a
 * decision that may fire up to five minutes late.
 *
 * <p>429 honours {@code Retry-After}; 5xx, 408, transport errors and refused credentials (401, 403:
 * a key being rotated) back off exponentially with <em>equal</em> jitter (each wait uniform in the
 * upper half of the capped exponential, see {@link Backoff}), so a fleet of retries does not
 * synchronise yet never retries almost at once. Any other 4xx is permanent and never retried.
 */
public record RetryPolicy(Duration baseDelay, Duration maxDelay) implements Serializable {
  public RetryPolicy {
    new Backoff(baseDelay, maxDelay); // validates the bounds once, here
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(30));
  }

  /** What an answer means for the dispatch. */
  public enum Verdict {
    SUCCESS,
    RETRYABLE,
    PERMANENT
  }

  /**
   * @param status the HTTP status, or 0 for a transport error or timeout
   */
  public static Verdict classify(int status) {
    if (status >= 200 && status < 300) {
      return Verdict.SUCCESS;
    }
    if (status == 0
        || status == 401
        || status == 403
        || status == 408
        || status == 429
        || status >= 500) {
      return Verdict.RETRYABLE;
    }
    return Verdict.PERMANENT;
  }

  /**
   * The wait before attempt {@code attempt + 1}, or empty when the answer is final or the wait
   * would end after {@code remaining}, the time left in the decision's lateness budget.
   *
   * @param attempt attempts made so far (1 after the first call)
   * @param retryAfter the response's {@code Retry-After} header, may be null
   */
  public Optional<Duration> nextDelay(
      int attempt, int status, String retryAfter, Duration remaining, RandomGenerator random) {
    if (classify(status) != Verdict.RETRYABLE) {
      return Optional.empty();
    }
    Duration wait = backoff(attempt, random);
    if (status == 429 && retryAfter != null) {
      try {
        wait = Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
      } catch (NumberFormatException ignored) {
        // an HTTP-date or garbage: fall back to backoff
      }
    }
    return wait.compareTo(remaining) <= 0 ? Optional.of(wait) : Optional.empty();
  }

  /** The wait while an account's circuit breaker is open, bounded the same way. */
  public Duration backoff(int attempt, RandomGenerator random) {
    return new Backoff(baseDelay, maxDelay).delay(attempt, random);
  }
}
