package com.sendflowr.dispatch.esp;

import com.sendflowr.contract.Contracts;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One HTTP call to an ESP, built by pure code so it can be checked against the vendor's spec
 * without a network.
 *
 * @param headers includes the authorization header: never log a request whole, use {@link
 *     #toString()}
 */
public record EspRequest(String method, String url, Map<String, String> headers, String body) {
  public EspRequest {
    headers = Map.copyOf(headers);
  }

  /** Header names that carry a credential, whichever vendor's spelling. */
  private static final Pattern SECRET_HEADER =
      Pattern.compile("authorization|.*(api[-_]?key|token|secret|password).*");

  /**
   * The whole request as canonical JSON, with every credential-bearing header's value replaced:
   * what a dry run records as "would have been sent".
   */
  public String redactedJson() {
    Map<String, String> shown = new TreeMap<>();
    headers.forEach(
        (name, value) ->
            shown.put(
                name,
                SECRET_HEADER.matcher(name.toLowerCase(Locale.ROOT)).matches()
                    ? "[redacted]"
                    : value));
    return Contracts.toJson(Map.of("method", method, "url", url, "headers", shown, "body", body));
  }

  /** Redacted: credentials never reach logs. */
  @Override
  public String toString() {
    return method + " " + url + " (" + body.length() + " bytes)";
  }
}
