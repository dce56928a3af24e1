package com.sendflowr.dispatch.esp;

import com.sendflowr.flink.Backoff;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try an ESP call again. 429 honours {@code Retry-After} up to {@code maxDelay} (a longer
 * one ends the call as failed); 5xx, 408 and transport errors back off exponentially with full
 * jitter (so a fleet of retries does not synchronise); any other 4xx is permanent and never
 * retried.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay)
    implements Serializable {

  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(30));
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
    if (status == 0 || status == 408 || status == 429 || status >= 500) {
      return Verdict.RETRYABLE;
    }
    return Verdict.PERMANENT;
  }

  /**
   * The delay before attempt {@code attempt + 1}, or empty when no attempt is left.
   *
   * @param attempt attempts made so far (1 after the first call)
   * @param retryAfter the response's {@code Retry-After} header, may be null
   */
  public Optional<Duration> nextDelay(
      int attempt, int status, String retryAfter, RandomGenerator random) {
    if (attempt >= maxAttempts || classify(status) != Verdict.RETRYABLE) {
      return Optional.empty();
    }
    if (status == 429 && retryAfter != null) {
      try {
        Duration wait = Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
        // Waiting longer than maxDelay would outlive the async timeout, which is sized for
        // maxDelay per attempt; the call fails now rather than firing after its outcome is out.
        return wait.compareTo(maxDelay) <= 0 ? Optional.of(wait) : Optional.empty();
      } catch (NumberFormatException ignored) {
        // an HTTP-date or garbage: fall back to backoff
      }
    }
    return Optional.of(new Backoff(baseDelay, maxDelay).delay(attempt, random));
  }
}
