package com.sendflowr.dispatch.esp;

import com.sendflowr.config.RateLimits;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Paces the calls to one ESP account so they stay within its limits instead of drawing 429s.
 *
 * <p>Each limit refills one permit at a time (350/s is one permit every 2.86 ms, not 350 at the top
 * of each second): a burst of due decisions is spread evenly, which is what trigger precision
 * wants. A call reserves its slot in every limit and waits for the latest of them, so waiting calls
 * wake one by one rather than all at once.
 *
 * <p>Timers fire late on a busy machine, and several late ones would go out together. So a call
 * also passes a gate when it is about to be sent: no two calls to the account leave closer than the
 * tightest limit's spacing, and no sliding one-second window sees more than the limit plus one,
 * however late the timers were.
 */
public final class AccountRateLimiter {
  /** Reservations may reach this far ahead; a lateness budget is never longer. */
  private static final Duration HORIZON = Duration.ofHours(2);

  private final RateLimits limits;
  private final List<RateLimiter> limiters = new ArrayList<>();
  private final long spacingNanos;
  private final AtomicLong nextSendNanos = new AtomicLong();
  private volatile boolean sent;

  public AccountRateLimiter(String account, RateLimits limits) {
    this.limits = limits;
    if (limits.perSecond() != null) {
      limiters.add(smooth(account + "/s", limits.perSecond(), Duration.ofSeconds(1)));
    }
    if (limits.perMinute() != null) {
      limiters.add(smooth(account + "/min", limits.perMinute(), Duration.ofMinutes(1)));
    }
    spacingNanos =
        limiters.stream()
            .mapToLong(l -> l.getRateLimiterConfig().getLimitRefreshPeriod().toNanos())
            .max()
            .orElse(0);
  }

  private static RateLimiter smooth(String name, int permits, Duration per) {
    return RateLimiter.of(
        name,
        RateLimiterConfig.custom()
            .limitForPeriod(1)
            .limitRefreshPeriod(Duration.ofNanos(refreshNanos(permits, per)))
            .timeoutDuration(HORIZON)
            .build());
  }

  /**
   * The least time between two calls under these limits: the refill period of the tightest one
   * (zero without limits).
   */
  public static Duration spacing(RateLimits limits) {
    long nanos = 0;
    if (limits.perSecond() != null) {
      nanos = Math.max(nanos, refreshNanos(limits.perSecond(), Duration.ofSeconds(1)));
    }
    if (limits.perMinute() != null) {
      nanos = Math.max(nanos, refreshNanos(limits.perMinute(), Duration.ofMinutes(1)));
    }
    return Duration.ofNanos(nanos);
  }

  /** Rounded up, so the pace never exceeds the limit. */
  private static long refreshNanos(int permits, Duration per) {
    return -Math.floorDiv(-per.toNanos(), permits);
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

  /**
   * The gate a call passes when it is about to be sent.
   *
   * @return zero: send now (the gate has moved on by one spacing); else how long to wait before
   *     asking again
   */
  public Duration gate() {
    while (true) {
      long now = System.nanoTime();
      long next = nextSendNanos.get();
      if (sent && now - next < 0) {
        return Duration.ofNanos(next - now);
      }
      if (nextSendNanos.compareAndSet(next, now + spacingNanos)) {
        sent = true;
        return Duration.ZERO;
      }
    }
  }
}
