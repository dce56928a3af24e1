package com.sendflowr.dispatch.esp;

import com.sendflowr.config.RateLimits;
import java.time.Duration;

/**
 * Paces the calls to one ESP account so they stay within its limits instead of drawing 429s.
 *
 * <p>ESPs publish two limits, a burst one per second and a steady one per minute (Klaviyo's bulk
 * create jobs: 10/s and 150/min), and enforce both: a client may go at the burst rate as long as no
 * minute holds more than the steady limit. So the per-second limit is kept as an even spacing
 * (350/s is one call every 2.86 ms, not 350 at the top of each second), and the per-minute limit as
 * a sliding window: a call may start once fewer than the limit started in the minute before it. A
 * burst of due decisions therefore leaves at the burst rate until the minute's allowance is used,
 * then one call per expiring slot. (A per-minute limit of at least 60 times the per-second one can
 * never bind and is not tracked; one too large to track call by call, without a per-second limit,
 * is kept as an even spacing.) Neither resilience4j's rate limiter nor Guava's keeps a sliding
 * window; this does, in synchronised rings of start times.
 *
 * <p>A call reserves its slot when it is due ({@link #reserve}) and waits for it, so waiting calls
 * wake one by one rather than all at once. Timers fire late on a busy machine, and several late
 * ones would go out together. So a call also passes a gate when it is about to be sent ({@link
 * #gate}), which applies both limits to the calls actually sent as sliding windows: no second and
 * no minute sees more than its limit, however late the calls were, and a call that left late does
 * not hold back the ones after it.
 */
public final class AccountRateLimiter {
  /** Reservations may reach this far ahead; a lateness budget is never longer. */
  private static final Duration HORIZON = Duration.ofHours(2);

  /** The most calls per window this limiter tracks one by one. */
  static final int MAX_TRACKED_CALLS = 100_000;

  private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

  private final RateLimits limits;
  private final long spacingNanos;
  private final Schedule reserved;
  private final Schedule sent;

  public AccountRateLimiter(String account, RateLimits limits) {
    this.limits = limits;
    Integer perSecond = limits.perSecond();
    Integer perMinute = limits.perMinute();
    long spacing = perSecond == null ? 0 : refreshNanos(perSecond, Duration.ofSeconds(1));
    int window = 0;
    if (perMinute != null && (perSecond == null || perMinute < 60L * perSecond)) {
      if (perMinute <= MAX_TRACKED_CALLS) {
        window = perMinute;
      } else {
        spacing = Math.max(spacing, refreshNanos(perMinute, Duration.ofMinutes(1)));
      }
    }
    spacingNanos = spacing;
    reserved = new Schedule(spacing, 0, window);
    // At send time the per-second limit is a sliding window too, not a spacing from the last send:
    // a call that left late must not push every later one back (an even spacing from late sends
    // drifts below the limit), and calls that wake together still never exceed it. Half a spacing
    // apart at least, so they do not leave in one clump.
    sent =
        new Schedule(
            spacing / 2,
            perSecond == null || perSecond > MAX_TRACKED_CALLS ? 0 : sendsPerSecond(perSecond),
            window);
  }

  /**
   * How many calls the gate lets go in any second under a per-second limit: 1 % less (from a limit
   * of 10 up), because the ESP counts arrivals, and a few milliseconds of network jitter can move a
   * call sent just after a second's start into the second before it.
   */
  static int sendsPerSecond(int perSecond) {
    return perSecond < 10 ? perSecond : perSecond - (int) Math.ceil(perSecond / 100.0);
  }

  /**
   * The time between calls at the steady rate these limits allow for good: the tighter of the two
   * spread evenly (zero without limits). The batcher holds a partial batch this long after the last
   * one left, so a trickle becomes fewer, fuller calls; a burst of full batches goes faster, at the
   * per-second rate, as far as the minute's allowance lasts.
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
    long now = System.nanoTime();
    long at = reserved.take(now);
    long wait = at - now;
    return wait > HORIZON.toNanos() ? HORIZON : Duration.ofNanos(Math.max(0, wait));
  }

  /**
   * The gate a call passes when it is about to be sent.
   *
   * @return zero: send now (the call is counted as sent); else how long to wait before asking again
   */
  public Duration gate() {
    long now = System.nanoTime();
    long wait = sent.takeIfFree(now);
    return wait <= 0 ? Duration.ZERO : Duration.ofNanos(wait);
  }

  /**
   * Start times under three rules: at least {@code spacing} apart, at most {@code perSecond} of
   * them in any second and at most {@code perMinute} in any minute (a window of 0: no such rule).
   */
  private static final class Schedule {
    private final long spacing;
    private final Window second;
    private final Window minute;
    private long last;
    private boolean any;

    Schedule(long spacing, int perSecond, int perMinute) {
      this.spacing = spacing;
      this.second = new Window(perSecond, Duration.ofSeconds(1).toNanos());
      this.minute = new Window(perMinute, MINUTE_NANOS);
    }

    /** The earliest start at or after {@code now} the rules allow. */
    private long earliest(long now) {
      long at = now;
      if (any && at - (last + spacing) < 0) {
        at = last + spacing;
      }
      at = second.earliest(at);
      return minute.earliest(at);
    }

    private void record(long at) {
      last = at;
      any = true;
      second.record(at);
      minute.record(at);
    }

    /** Reserves the earliest allowed start (possibly in the future) and returns it. */
    synchronized long take(long now) {
      long at = earliest(now);
      record(at);
      return at;
    }

    /** Records a start now if the rules allow it (returns 0), else how long until they do. */
    synchronized long takeIfFree(long now) {
      long at = earliest(now);
      if (at - now > 0) {
        return at - now;
      }
      record(now);
      return 0;
    }
  }

  /** The last {@code limit} start times, a ring: a start may come once the oldest is a span old. */
  private static final class Window {
    private final long[] starts;
    private final long span;
    private int next; // where the next start goes, the oldest of a full ring
    private int count;

    Window(int limit, long span) {
      this.starts = new long[limit];
      this.span = span;
    }

    long earliest(long at) {
      if (starts.length > 0 && count == starts.length) {
        long free = starts[next] + span;
        if (at - free < 0) {
          return free;
        }
      }
      return at;
    }

    void record(long at) {
      if (starts.length > 0) {
        starts[next] = at;
        next = (next + 1) % starts.length;
        count = Math.min(count + 1, starts.length);
      }
    }
  }
}
