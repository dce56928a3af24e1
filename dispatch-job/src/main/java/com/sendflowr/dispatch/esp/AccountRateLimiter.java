package com.sendflowr.dispatch.esp;

import com.sendflowr.config.RateLimits;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Paces the calls to one ESP account so they stay within its limits instead of drawing 429s.
 *
 * <p>Each limit refills one permit at a time (350/s is one permit every 2.86 ms, not 350 at the top
 * of each second): a burst of due decisions is spread evenly, which is what trigger precision
 * wants, and no sliding one-second window ever sees more than the limit plus one. A call reserves
 * its slot in every limit and waits for the latest of them.
 */
public final class AccountRateLimiter {
  /** Reservations may reach this far ahead; a lateness budget is never longer. */
  private static final Duration HORIZON = Duration.ofHours(2);

  private final RateLimits limits;
  private final List<RateLimiter> limiters = new ArrayList<>();

  public AccountRateLimiter(String account, RateLimits limits) {
    this.limits = limits;
    if (limits.perSecond() != null) {
      limiters.add(smooth(account + "/s", limits.perSecond(), Duration.ofSeconds(1)));
    }
    if (limits.perMinute() != null) {
      limiters.add(smooth(account + "/min", limits.perMinute(), Duration.ofMinutes(1)));
    }
  }

  private static RateLimiter smooth(String name, int permits, Duration per) {
    return RateLimiter.of(
        name,
        RateLimiterConfig.custom()
            .limitForPeriod(1)
            // rounded up, so the pace never exceeds the limit
            .limitRefreshPeriod(Duration.ofNanos(-Math.floorDiv(-per.toNanos(), permits)))
            .timeoutDuration(HORIZON)
            .build());
  }

  public RateLimits limits() {
    return limits;
  }

  /**
   * Takes the next free slot.
   *
   * @return how long to wait before calling (zero: call now)
   */
  public Duration reserve() {
    long waitNanos = 0;
    for (RateLimiter limiter : limiters) {
      long nanos = limiter.reservePermission();
      if (nanos < 0) {
        // More than the horizon ahead: the caller's lateness budget has long run out by then.
        return HORIZON;
      }
      waitNanos = Math.max(waitNanos, nanos);
    }
    return Duration.ofNanos(waitNanos);
  }
}
