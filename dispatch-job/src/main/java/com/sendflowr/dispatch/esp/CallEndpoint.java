package com.sendflowr.dispatch.esp;

import com.sendflowr.config.AccountSettings;
import com.sendflowr.config.RateLimits;
import java.io.Serializable;

/**
 * The ESP endpoint a call goes to, as far as rate limits go: calls of one account to one endpoint
 * share that endpoint's limits.
 *
 * @param name tells an ESP's endpoints apart, e.g. {@code events} and {@code
 *     event-bulk-create-jobs}
 * @param publishedLimits the vendor's published limits for the endpoint
 * @param batchOnly an endpoint used only for calls of several dispatches, with limits of its own
 *     (Klaviyo's bulk create jobs): an account sets those apart ({@link
 *     AccountSettings#batchRateLimits}), and its per-dispatch limits only ever tighten them
 */
public record CallEndpoint(String name, RateLimits publishedLimits, boolean batchOnly)
    implements Serializable {

  /** The ESP's one endpoint for its calls, whatever their size. */
  public static CallEndpoint main(String name, RateLimits publishedLimits) {
    return new CallEndpoint(name, publishedLimits, false);
  }

  /**
   * The limits an account's calls to this endpoint are paced to: for the ESP's one endpoint, the
   * account's configured limits, else the published ones; for a batch-only endpoint, the account's
   * batch limits, else the published ones, tightened by its configured per-dispatch limits.
   */
  public RateLimits limitsFor(AccountSettings account) {
    RateLimits configured = account.rateLimits();
    if (!batchOnly) {
      return configured.orElse(publishedLimits);
    }
    RateLimits batch = account.batchRateLimits().orElse(publishedLimits);
    return new RateLimits(
        tighter(configured.perSecond(), batch.perSecond()),
        tighter(configured.perMinute(), batch.perMinute()));
  }

  private static Integer tighter(Integer a, Integer b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Integer.valueOf(Math.min(a, b));
  }
}
