package com.sendflowr.sandbox.esp;

import java.util.Map;

/**
 * What a sandbox vendor answers.
 *
 * @param body empty for none
 */
public record SandboxResponse(int status, String body, Map<String, String> headers) {
  public SandboxResponse {
    headers = Map.copyOf(headers);
  }

  public static SandboxResponse empty(int status) {
    return new SandboxResponse(status, "", Map.of());
  }

  public static SandboxResponse json(int status, String body) {
    return new SandboxResponse(status, body, Map.of());
  }
}
