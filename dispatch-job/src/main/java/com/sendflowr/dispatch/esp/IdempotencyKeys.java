package com.sendflowr.dispatch.esp;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The key every ESP call carries so that a retry, a restart or an async re-trigger after restore is
 * recorded once by the ESP. Deterministic in decision and binding: switching a brand to another ESP
 * yields a new key, re-sending to the same binding never does.
 */
public final class IdempotencyKeys {
  private IdempotencyKeys() {}

  public static String of(String decisionId, String bindingId) {
    return "sf-"
        + UUID.nameUUIDFromBytes(
            ("dispatch|" + decisionId + "|" + bindingId).getBytes(StandardCharsets.UTF_8));
  }
}
