package com.sendflowr.dispatch.esp;

import java.util.Map;

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

  /** Redacted: credentials never reach logs. */
  @Override
  public String toString() {
    return method + " " + url + " (" + body.length() + " bytes)";
  }
}
