package com.sendflowr.sandbox.esp;

import java.time.Duration;

/**
 * How the sandbox misbehaves for the calls a rule covers. Configure it fully before the calls it
 * should affect are made; the setters are safe to call from the test thread while the server runs.
 */
public final class Fault {

  private volatile int status;
  private volatile long retryAfterSeconds = -1;
  private volatile Duration delay = Duration.ZERO;

  Fault() {}

  /** Answer with this HTTP status (e.g. 429, 500, 503) instead of processing the request. */
  public Fault status(int httpStatus) {
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("A fault status must be 4xx or 5xx: " + httpStatus);
    }
    this.status = httpStatus;
    return this;
  }

  /**
   * Send a {@code Retry-After} header with this many seconds; implies status 429 unless another
   * status was set, which is how Klaviyo signals rate limiting.
   */
  public Fault retryAfterSeconds(long seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("Retry-After must not be negative: " + seconds);
    }
    this.retryAfterSeconds = seconds;
    return this;
  }

  /**
   * Wait this long before answering. Without a status the request is then processed normally, so
   * this simulates a slow ESP (or, beyond the client's timeout, a lost response).
   */
  public Fault delay(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("Delay must not be negative: " + duration);
    }
    this.delay = duration;
    return this;
  }

  int effectiveStatus() {
    int s = status;
    if (s == 0 && retryAfterSeconds >= 0) {
      return 429;
    }
    return s;
  }

  long retryAfter() {
    return retryAfterSeconds;
  }

  Duration delayDuration() {
    return delay;
  }

  @Override
  public String toString() {
    return "Fault{status="
        + effectiveStatus()
        + ", retryAfter="
        + retryAfterSeconds
        + "s, delay="
        + delay
        + "}";
  }
}
