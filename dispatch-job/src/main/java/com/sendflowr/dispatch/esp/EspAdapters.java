package com.sendflowr.dispatch.esp;

import java.util.List;

/** Every ESP the dispatch job can call: adding one is adding its adapter here. */
public final class EspAdapters {
  private EspAdapters() {}

  public static List<EspAdapter> all() {
    return List.of(
        new KlaviyoAdapter(),
        new BrazeAdapter(),
        new IterableAdapter(),
        new CustomerIoAdapter(),
        new SendGridAdapter(),
        new WebhookAdapter());
  }
}
