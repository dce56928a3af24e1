package com.sendflowr.local;

import com.sendflowr.configservice.ConfigStore;
import com.sendflowr.configservice.ConfigStore.Mode;
import com.sendflowr.configservice.Entities.Binding;
import com.sendflowr.configservice.Entities.EspAccount;
import com.sendflowr.configservice.Entities.Intent;
import com.sendflowr.configservice.Entities.Principal;
import com.sendflowr.configservice.Entities.SignalMapping;
import com.sendflowr.configservice.Role;
import java.util.function.BiConsumer;

/**
 * The demo's connector config, created through the config service like an operator would through
 * its API: intent promo_jan bound to the sandbox Klaviyo (metric "SendFlowr Promo Jan", campaign
 * abc123, template promo-drip), site visits as its hot path, support tickets as a circuit breaker
 * for every intent. The service publishes it to the config topic the jobs read.
 */
final class DemoConfig {
  static final Principal RUNNER = new Principal("local-runner", "local-runner", Role.ADMIN);

  private DemoConfig() {}

  static void seed(
      ConfigStore store,
      String accountId,
      String sandboxBaseUrl,
      String sandboxKey,
      BiConsumer<String, String> announce) {
    String intent = DemoTraffic.INTENT;
    store.putIntent(
        RUNNER,
        Mode.CREATE,
        intent,
        null,
        new Intent(
            intent,
            "Promo January",
            "The demo's intent",
            null,
            300L,
            null,
            null,
            true,
            null,
            null,
            null,
            null));
    store.putEspAccount(
        RUNNER,
        Mode.CREATE,
        accountId,
        null,
        new EspAccount(
            accountId,
            "Sandbox Klaviyo",
            "klaviyo",
            sandboxBaseUrl,
            sandboxKey,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    store.putBinding(
        RUNNER,
        Mode.CREATE,
        intent + "-klaviyo",
        null,
        new Binding(
            intent + "-klaviyo",
            intent,
            accountId,
            null,
            true,
            "SendFlowr Promo Jan",
            "abc123",
            null,
            null,
            null,
            null,
            "promo-drip",
            null, // notification id
            null, // from email (SendGrid)
            null, // webhook URL
            null, // the default channel
            false,
            null,
            null,
            null,
            null));
    announce.accept(
        "config  intent promo_jan -> Klaviyo metric 'SendFlowr Promo Jan' (campaign abc123,"
            + " template promo-drip)",
        "");
    store.putSignalMapping(
        RUNNER,
        Mode.CREATE,
        "site_visit." + intent,
        null,
        mapping("site_visit", "shopify", intent, "hot_path", 20.0, "PT30M", "PT2H", null));
    announce.accept("config  site_visit is a hot path for promo_jan (weight 20, decay 30 min)", "");
    store.putSignalMapping(
        RUNNER,
        Mode.CREATE,
        "ticket_opened.all",
        null,
        mapping("ticket_opened", null, "*", "circuit_breaker", null, null, "PT2M", null));
    store.putSignalMapping(
        RUNNER,
        Mode.CREATE,
        "ticket_closed.all",
        null,
        mapping("ticket_closed", null, "*", "clear", null, null, null, "ticket_opened"));
    announce.accept(
        "config  ticket_opened suppresses every intent for 2 min (demo length), ticket_closed ends it",
        "");
  }

  private static SignalMapping mapping(
      String type,
      String source,
      String intent,
      String role,
      Double weight,
      String decay,
      String duration,
      String clears) {
    return new SignalMapping(
        null, type, source, intent, role, weight, decay, duration, clears, null, null, null, null);
  }
}
