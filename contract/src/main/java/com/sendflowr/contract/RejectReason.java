package com.sendflowr.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Machine-readable reason why an input record was rejected and sent to the dead letters. */
public enum RejectReason {
  /** The payload is not parseable JSON, or not a JSON object. */
  MALFORMED_JSON,
  /** The payload exceeds the maximum accepted size. */
  PAYLOAD_TOO_LARGE,
  /** A required field is absent or null. */
  MISSING_FIELD,
  /** Neither {@code universal_id} nor any identity key names the recipient. */
  MISSING_RECIPIENT,
  /** {@code event_type} (or another enumerated field) has a value this version does not know. */
  UNKNOWN_TYPE,
  /** A field has the wrong JSON type or an invalid format. */
  INVALID_FIELD,
  /** A timestamp is unparseable as ISO-8601 UTC or outside the accepted range. */
  TIMESTAMP_OUT_OF_RANGE,
  /** A string, map or list field exceeds its size limit. */
  FIELD_TOO_LARGE,
  /** A send request names an intent that has no configuration. */
  UNKNOWN_INTENT,
  /** A decision cannot reach its ESP at fire time: no binding, adapter or credentials. */
  UNROUTABLE,
  /** The ESP permanently refused the call (4xx other than 429). */
  ESP_REJECTED,
  /** Retries were exhausted against the ESP. */
  ESP_UNAVAILABLE,
  /** A per-recipient bound (e.g. pending send requests) would be exceeded. */
  LIMIT_EXCEEDED,
  /** A send request names an intent its configuration disables. */
  INTENT_DISABLED,
  /** The timing model could not decide a request, and neither could its fallback. */
  DECISION_FAILED,
  /**
   * A string holds a lone UTF-16 surrogate (legal JSON escape, but not encodable in UTF-8, so the
   * record would change on its first write).
   */
  ILL_FORMED_UNICODE,
  /** An id or a map key holds a control character (C0, C1, line separators, bidi controls). */
  CONTROL_CHARACTER,
  /** A JSON object repeats a member name, so readers could disagree on its value. */
  DUPLICATE_KEY,
  /** A send request's window is longer than {@link Contracts#MAX_SEND_WINDOW}. */
  WINDOW_TOO_LONG,
  /**
   * The record parsed, but writing it and parsing it again gives a different record, so it would
   * change (and could change its key) on its way through the job.
   */
  UNSTABLE_ROUND_TRIP,
  /** A request id already names a request for another recipient. */
  REQUEST_ID_REUSED;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
