package com.sendflowr.contract;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile signals and send requests, each with the reason the parser must give, relative to a parse
 * time: lone surrogates, control characters, duplicate keys, trailing content, far-future
 * timestamps and over-long windows. Shared with other modules' tests through the test-jar, so the
 * job test feeds exactly what the parser test checks.
 *
 * <p>Every string is plain ASCII JSON: lone surrogates travel as {@code \\uXXXX} escapes, as a
 * hostile producer would send them (a raw lone surrogate cannot even be encoded as UTF-8).
 */
public final class HostileSamples {
  /** Which parser a sample is for. */
  public enum Kind {
    SIGNAL,
    SEND_REQUEST
  }

  /**
   * @param name what is wrong, for test names
   * @param json the payload as produced
   * @param reason the reason the parser must reject it with
   */
  public record Hostile(String name, Kind kind, String json, RejectReason reason) {
    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  private static final String[] CONTROLS = {
    "\\u0000", "\\u0001", "\\u0007", "\\n", "\\r", "\\t", "\\u001b", "\\u007f", "\\u0085",
    "\\u009f", "\\u2028", "\\u2029", "\\u202e", "\\u2066", "\\u200f"
  };

  private HostileSamples() {}

  /** A valid signal for {@code universalId} (raw JSON text, may hold escapes) at {@code at}. */
  public static String signal(String eventId, String universalId, Instant at) {
    return "{\"event_id\":\""
        + eventId
        + "\",\"event_type\":\"click\",\"occurred_at\":\""
        + at
        + "\",\"universal_id\":\""
        + universalId
        + "\",\"source\":\"shopify\",\"properties\":{\"url\":\"https://shop.example/p/1\"}}";
  }

  /** A valid send request with the given window (null bounds are left out). */
  public static String sendRequest(
      String requestId, String universalId, Instant notBefore, Instant notAfter) {
    return "{\"request_id\":\""
        + requestId
        + "\",\"universal_id\":\""
        + universalId
        + "\",\"intent_id\":\"promo_jan\""
        + (notBefore == null ? "" : ",\"not_before\":\"" + notBefore + "\"")
        + (notAfter == null ? "" : ",\"not_after\":\"" + notAfter + "\"")
        + ",\"metadata\":{\"campaign_hint\":\"jan\"}}";
  }

  /** The fixed cases, then {@code fuzzed} random surrogate and control-character injections. */
  public static List<Hostile> all(Instant now, long seed, int fuzzed) {
    Instant t = now.truncatedTo(ChronoUnit.SECONDS);
    Instant start = t.plus(Duration.ofMinutes(5));
    List<Hostile> out = new ArrayList<>();

    // Lone surrogates: legal JSON, but UTF-8 cannot carry them.
    out.add(signalCase("lone high surrogate in universal_id", "u-\\ud800", t, ill()));
    out.add(signalCase("lone low surrogate in universal_id", "\\udc00u", t, ill()));
    out.add(signalCase("reversed surrogate pair", "u-\\udc00\\ud800", t, ill()));
    out.add(
        new Hostile(
            "lone surrogate in a property key",
            Kind.SIGNAL,
            signal("h-pk", "u-1", t).replace("\"url\"", "\"u\\ud83drl\""),
            ill()));
    out.add(
        new Hostile(
            "lone surrogate in a nested property value",
            Kind.SIGNAL,
            signal("h-pv", "u-1", t)
                .replace("\"https://shop.example/p/1\"", "{\"deep\":[\"x\\udfff\"]}"),
            ill()));
    out.add(
        new Hostile(
            "lone surrogate in a request id",
            Kind.SEND_REQUEST,
            sendRequest("r-\\ud800", "u-1", start, start.plus(Duration.ofHours(2))),
            ill()));

    // Control characters in ids and map keys.
    out.add(signalCase("NUL in universal_id", "u\\u0000x", t, ctl()));
    out.add(signalCase("right-to-left override in universal_id", "u-\\u202e1", t, ctl()));
    out.add(
        new Hostile(
            "newline in an identity key value",
            Kind.SIGNAL,
            signal("h-ik", "u-1", t)
                .replace(
                    "\"universal_id\":\"u-1\"", "\"identity_keys\":{\"esp_profile_id\":\"k\\n1\"}"),
            ctl()));
    out.add(
        new Hostile(
            "control character in an identity key name",
            Kind.SIGNAL,
            signal("h-ikn", "u-1", t)
                .replace("\"universal_id\":\"u-1\"", "\"identity_keys\":{\"esp\\u0007id\":\"k1\"}"),
            ctl()));
    out.add(
        new Hostile(
            "C1 control in source",
            Kind.SIGNAL,
            signal("h-src", "u-1", t).replace("shopify", "shop\\u0085ify"),
            ctl()));
    out.add(
        new Hostile(
            "control character in a nested property key",
            Kind.SIGNAL,
            signal("h-npk", "u-1", t).replace("\"https://shop.example/p/1\"", "{\"a\\u001bb\":1}"),
            ctl()));
    out.add(
        new Hostile(
            "control character in a metadata key",
            Kind.SEND_REQUEST,
            sendRequest("r-mk", "u-1", start, start.plus(Duration.ofHours(2)))
                .replace("campaign_hint", "campaign\\rhint"),
            ctl()));

    // Duplicate keys and trailing content: two readers could see two different records.
    out.add(
        new Hostile(
            "duplicate universal_id",
            Kind.SIGNAL,
            signal("h-dup", "u-1", t).replace("}}", "},\"universal_id\":\"u-2\"}"),
            RejectReason.DUPLICATE_KEY));
    out.add(
        new Hostile(
            "duplicate key inside properties",
            Kind.SIGNAL,
            signal("h-dupp", "u-1", t).replace("}}", ",\"url\":\"x\"}}"),
            RejectReason.DUPLICATE_KEY));
    out.add(
        new Hostile(
            "duplicate request_id",
            Kind.SEND_REQUEST,
            sendRequest("r-dup", "u-1", start, start.plus(Duration.ofHours(2)))
                .replace("{\"request_id\"", "{\"request_id\":\"r-other\",\"request_id\""),
            RejectReason.DUPLICATE_KEY));
    out.add(
        new Hostile(
            "trailing garbage",
            Kind.SIGNAL,
            signal("h-tg", "u-1", t) + " garbage",
            RejectReason.MALFORMED_JSON));
    out.add(
        new Hostile(
            "two objects in one record",
            Kind.SIGNAL,
            signal("h-two", "u-1", t) + signal("h-two-b", "u-2", t),
            RejectReason.MALFORMED_JSON));
    out.add(
        new Hostile(
            "trailing brace",
            Kind.SEND_REQUEST,
            sendRequest("r-tb", "u-1", start, start.plus(Duration.ofHours(2))) + "}",
            RejectReason.MALFORMED_JSON));

    // A number that only a double's overflow can hold: written back, it would be "Infinity".
    out.add(
        new Hostile(
            "property number overflowing a double",
            Kind.SIGNAL,
            signal("h-inf", "u-1", t).replace("\"https://shop.example/p/1\"", "[1, -1e999]"),
            RejectReason.INVALID_FIELD));

    // Far-future timestamps and over-long windows.
    out.add(
        new Hostile(
            "occurred_at in 2099",
            Kind.SIGNAL,
            signal("h-2099", "u-1", Instant.parse("2099-12-31T00:00:00Z")),
            RejectReason.TIMESTAMP_OUT_OF_RANGE));
    out.add(
        new Hostile(
            "occurred_at two hours ahead",
            Kind.SIGNAL,
            signal("h-ahead", "u-1", t.plus(Duration.ofHours(2))),
            RejectReason.TIMESTAMP_OUT_OF_RANGE));
    out.add(
        new Hostile(
            "not_after in 2099",
            Kind.SEND_REQUEST,
            sendRequest("r-2099", "u-1", null, Instant.parse("2099-12-31T00:00:00Z")),
            RejectReason.TIMESTAMP_OUT_OF_RANGE));
    out.add(
        new Hostile(
            "not_before 200 days ahead",
            Kind.SEND_REQUEST,
            sendRequest("r-far", "u-1", t.plus(Duration.ofDays(200)), t.plus(Duration.ofDays(201))),
            RejectReason.TIMESTAMP_OUT_OF_RANGE));
    out.add(
        new Hostile(
            "29-day window",
            Kind.SEND_REQUEST,
            sendRequest("r-29d", "u-1", start, start.plus(Duration.ofDays(29))),
            RejectReason.WINDOW_TOO_LONG));
    out.add(
        new Hostile(
            "30 days from now without not_before",
            Kind.SEND_REQUEST,
            sendRequest("r-30d", "u-1", null, t.plus(Duration.ofDays(30))),
            RejectReason.WINDOW_TOO_LONG));

    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < fuzzed; i++) {
      boolean surrogate = random.nextBoolean();
      String bad =
          surrogate
              ? String.format("\\u%04x", 0xD800 + random.nextInt(0x800))
              : CONTROLS[random.nextInt(CONTROLS.length)];
      String id = "u-fuzz-" + i;
      int at = random.nextInt(id.length() + 1);
      String hostileId = id.substring(0, at) + bad + id.substring(at);
      RejectReason reason = surrogate ? ill() : ctl();
      out.add(
          random.nextBoolean()
              ? signalCase("fuzzed " + i + ": " + bad + " at " + at, hostileId, t, reason)
              : new Hostile(
                  "fuzzed request " + i + ": " + bad + " at " + at,
                  Kind.SEND_REQUEST,
                  sendRequest("r-fuzz-" + i, hostileId, start, start.plus(Duration.ofHours(2))),
                  reason));
    }
    return out;
  }

  private static Hostile signalCase(String name, String universalId, Instant t, RejectReason r) {
    return new Hostile(name, Kind.SIGNAL, signal("h-" + name.hashCode(), universalId, t), r);
  }

  private static RejectReason ill() {
    return RejectReason.ILL_FORMED_UNICODE;
  }

  private static RejectReason ctl() {
    return RejectReason.CONTROL_CHARACTER;
  }
}
