package com.sendflowr.timing.job;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.SendRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * Which recipient a request id belongs to, and until when that is remembered: the keyed state of
 * {@link RequestIdGuard}, and the rule it applies. Plain code, so the rule is tested without Flink.
 *
 * @param recipientKey the recipient of the first request seen with this id
 * @param forgetAtMillis when the claim lapses (epoch millis, processing time)
 */
public record RequestIdClaim(String recipientKey, long forgetAtMillis) {

  /**
   * How long past a request's window its id stays claimed: at least as long as the decider
   * remembers a request to drop its redeliveries, so a reused id is caught for as long as
   * downstream would otherwise drop it silently.
   */
  public static final Duration RETENTION = Duration.ofDays(1);

  /** What to do with one request: pass it on (keeping {@code claim}), or dead-letter it. */
  public record Verdict(boolean pass, RequestIdClaim claim, String rejection) {
    static Verdict pass(RequestIdClaim claim) {
      return new Verdict(true, claim, null);
    }

    static Verdict reject(RequestIdClaim claim, String why) {
      return new Verdict(false, claim, why);
    }
  }

  /**
   * The claim a request makes at {@code now}: until its window ends plus {@link #RETENTION}. A
   * request without {@code not_after} gets its intent's default window downstream, which this
   * operator does not know; the longest window the contract accepts bounds it.
   */
  static RequestIdClaim of(SendRequest request, Instant now) {
    Instant windowEnd =
        request.notAfter() != null ? request.notAfter() : now.plus(Contracts.MAX_SEND_WINDOW);
    Instant forgetAt = (windowEnd.isAfter(now) ? windowEnd : now).plus(RETENTION);
    return new RequestIdClaim(request.recipientKey(), forgetAt.toEpochMilli());
  }

  /**
   * Judges {@code request} against the claim {@code held} on its id (null when none): the first
   * recipient's requests pass, redeliveries included, and extend the claim to the latest window; a
   * request for another recipient is rejected while the claim lasts. The detail does not name the
   * first recipient: that would copy one person's identity into another's dead letter.
   */
  static Verdict judge(RequestIdClaim held, SendRequest request, Instant now) {
    RequestIdClaim mine = of(request, now);
    if (held == null || held.forgetAtMillis() <= now.toEpochMilli()) {
      return Verdict.pass(mine);
    }
    if (held.recipientKey().equals(mine.recipientKey())) {
      return Verdict.pass(
          held.forgetAtMillis() >= mine.forgetAtMillis()
              ? held
              : new RequestIdClaim(held.recipientKey(), mine.forgetAtMillis()));
    }
    return Verdict.reject(
        held,
        "request id '"
            + request.requestId()
            + "' already names a request for another recipient, until "
            + Instant.ofEpochMilli(held.forgetAtMillis())
            + "; a request id must be unique per request");
  }
}
