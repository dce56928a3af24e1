package com.sendflowr.sandbox.esp;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A vendor's rate limit as Klaviyo documents its own: per account, a fixed-window algorithm with a
 * burst window (one second) and a steady window (one minute); a call that finds either window full
 * is answered 429 with a {@code Retry-After} of the seconds until that window resets. Windows are
 * aligned to the wall clock's seconds and minutes. A throttled call does not use up quota.
 *
 * <p>Each account (in the sandbox: each API key) has its own windows.
 *
 * @see <a href="https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling">Klaviyo:
 *     rate limits</a>
 */
public final class RateLimit {
  private final int perSecond;
  private final int perMinute;
  private final Map<String, Windows> accounts = new HashMap<>();

  private static final class Windows {
    long second = Long.MIN_VALUE;
    int inSecond;
    long minute = Long.MIN_VALUE;
    int inMinute;
  }

  /**
   * @param perSecond calls per one-second window, 0 for no burst limit
   * @param perMinute calls per one-minute window, 0 for no steady limit
   */
  public RateLimit(int perSecond, int perMinute) {
    if (perSecond < 0 || perMinute < 0 || (perSecond == 0 && perMinute == 0)) {
      throw new IllegalArgumentException(
          "a rate limit needs a positive per-second or per-minute limit (0 for none): "
              + perSecond
              + "/s, "
              + perMinute
              + "/min");
    }
    this.perSecond = perSecond;
    this.perMinute = perMinute;
  }

  public int perSecond() {
    return perSecond;
  }

  public int perMinute() {
    return perMinute;
  }

  /**
   * Counts a call of {@code account} arriving at {@code at}, if the limit lets it through.
   *
   * @return -1 when the call is admitted, else the {@code Retry-After} in seconds (at least 1)
   */
  public synchronized long admit(String account, Instant at) {
    Windows w = accounts.computeIfAbsent(account, a -> new Windows());
    long millis = at.toEpochMilli();
    long second = Math.floorDiv(millis, 1_000L);
    long minute = Math.floorDiv(millis, 60_000L);
    if (w.second != second) {
      w.second = second;
      w.inSecond = 0;
    }
    if (w.minute != minute) {
      w.minute = minute;
      w.inMinute = 0;
    }
    if (perMinute > 0 && w.inMinute >= perMinute) {
      long untilReset = (minute + 1) * 60_000L - millis;
      return Math.max(1, -Math.floorDiv(-untilReset, 1_000L));
    }
    if (perSecond > 0 && w.inSecond >= perSecond) {
      return 1;
    }
    w.inSecond++;
    w.inMinute++;
    return -1;
  }

  /** Forgets every account's windows. */
  public synchronized void clear() {
    accounts.clear();
  }

  @Override
  public String toString() {
    return (perSecond > 0 ? perSecond + "/s" : "")
        + (perSecond > 0 && perMinute > 0 ? ", " : "")
        + (perMinute > 0 ? perMinute + "/min" : "");
  }
}
