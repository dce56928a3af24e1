package com.sendflowr.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a binding carries of its ESP account besides the account id: the account's API root (a
 * brand's Braze REST instance, a regional host) and its rate limits, as configured. The config
 * service copies them into each binding it publishes, so the dispatch job needs no second source.
 *
 * @param apiBaseUrl the account's API root, or null for the deployment's or the ESP's default
 * @param rateLimits the account's limits; {@link RateLimits#NONE} for the ESP's published ones
 * @param batchRateLimits the account's limits on the ESP's batch endpoint where it has one with
 *     limits of its own (Klaviyo's bulk create jobs: 10/s and 150/min published), for an account
 *     the ESP has granted more; {@link RateLimits#NONE} for the published ones
 */
public record AccountSettings(String apiBaseUrl, RateLimits rateLimits, RateLimits batchRateLimits)
    implements Serializable {
  public static final AccountSettings NONE = new AccountSettings(null, RateLimits.NONE);

  static final String API_BASE_URL = "api_base_url";

  /** Longer than any real API root; the config service applies the same bound. */
  public static final int MAX_URL_LENGTH = 2_048;

  public AccountSettings {
    rateLimits = rateLimits == null ? RateLimits.NONE : rateLimits;
    batchRateLimits = batchRateLimits == null ? RateLimits.NONE : batchRateLimits;
  }

  /** An account with the published limits on its batch endpoint. */
  public AccountSettings(String apiBaseUrl, RateLimits rateLimits) {
    this(apiBaseUrl, rateLimits, RateLimits.NONE);
  }

  /** The snapshot fields that carry them, as a binding publishes them. */
  public Map<String, Object> toSnapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (apiBaseUrl != null) {
      m.put(API_BASE_URL, apiBaseUrl);
    }
    m.putAll(rateLimits.toSnapshot());
    m.putAll(batchRateLimits.toSnapshot(RateLimits.BATCH));
    return m;
  }

  static AccountSettings fromSnapshot(Map<String, Object> snapshot) {
    Object url = snapshot.get(API_BASE_URL);
    return new AccountSettings(
        url instanceof String s && !s.isEmpty() ? s : null,
        RateLimits.fromSnapshot(snapshot, ""),
        RateLimits.fromSnapshot(snapshot, RateLimits.BATCH));
  }

  static List<FieldError> check(Map<String, Object> snapshot) {
    List<FieldError> errors = new ArrayList<>(RateLimits.check(snapshot, ""));
    errors.addAll(RateLimits.check(snapshot, RateLimits.BATCH));
    Object url = snapshot.get(API_BASE_URL);
    if (url != null) {
      String problem =
          !(url instanceof String s)
              ? "must be a string"
              : s.length() > MAX_URL_LENGTH
                  ? "must be at most " + MAX_URL_LENGTH + " characters"
                  : BindingRules.httpsUrlProblem(s, false);
      if (problem != null) {
        errors.add(new FieldError(API_BASE_URL, problem));
      }
    }
    return errors;
  }
}
