package com.sendflowr.sandbox.esp;

import java.util.List;
import java.util.Set;

/** The vendors the sandbox speaks, by the {@code esp} name bindings use. */
public final class SandboxVendors {
  public static final List<String> NAMES =
      List.of(
          KlaviyoSandbox.NAME,
          BrazeSandbox.NAME,
          IterableSandbox.NAME,
          CustomerIoSandbox.NAME,
          SendGridSandbox.NAME,
          WebhookSandbox.NAME);

  private SandboxVendors() {}

  /**
   * @param keys the keys (for the webhook: signing secrets) accepted; empty accepts any
   */
  public static SandboxVendor of(String esp, Set<String> keys) {
    return switch (esp) {
      case KlaviyoSandbox.NAME -> new KlaviyoSandbox(keys);
      case BrazeSandbox.NAME -> new BrazeSandbox(keys);
      case IterableSandbox.NAME -> new IterableSandbox(keys);
      case CustomerIoSandbox.NAME -> new CustomerIoSandbox(keys);
      case SendGridSandbox.NAME -> new SendGridSandbox(keys);
      case WebhookSandbox.NAME -> new WebhookSandbox(keys);
      default -> throw new IllegalArgumentException("no sandbox for ESP '" + esp + "': " + NAMES);
    };
  }
}
