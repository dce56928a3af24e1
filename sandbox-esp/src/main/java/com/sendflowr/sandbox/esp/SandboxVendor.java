package com.sendflowr.sandbox.esp;

import java.util.List;

/**
 * One ESP's wire format inside a {@link SandboxEsp}: its paths, authentication, validation, answers
 * and deduplication. The server around it records calls, applies {@link Faults} and answers them
 * with {@link #fault}. Adding an ESP to the sandbox is adding one of these ({@link
 * SandboxVendors}).
 */
public interface SandboxVendor {
  /** The {@code esp} name bindings use, e.g. {@code braze}. */
  String name();

  /** For the startup line, e.g. {@code Klaviyo 2026-07-15}. */
  default String describe() {
    return name();
  }

  /** The media type of the vendor's JSON answers. */
  default String contentType() {
    return "application/json";
  }

  /**
   * Answers one request that no fault took over.
   *
   * @param accepted receives each event (message, recipient, trigger) the vendor accepted
   * @param suppressed receives the key of each event the vendor accepted but dropped as a repeat of
   *     one it had (its documented deduplication)
   */
  SandboxResponse handle(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed);

  /**
   * The vendor's answer to a programmed fault: its rate-limit or error document.
   *
   * @param retryAfterSeconds the {@code Retry-After} to send, or negative for none
   */
  SandboxResponse fault(int status, long retryAfterSeconds);

  /** The vendor's answer when the sandbox itself failed on a request. */
  SandboxResponse serverError(String detail);

  /** Forgets what deduplication remembers. */
  default void reset() {}
}
