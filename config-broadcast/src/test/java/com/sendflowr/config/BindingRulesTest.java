package com.sendflowr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.ConfigChange;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindingRulesTest {

  private static Map<String, Object> binding(String esp, Object... kv) {
    Map<String, Object> m = new HashMap<>();
    m.put("esp", esp);
    m.put("credential_ref", "brand-a");
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static List<String> fields(Map<String, Object> snapshot) {
    return BindingRules.check(snapshot).stream().map(FieldError::field).toList();
  }

  @Test
  void eachEspNeedsItsOwnIds() {
    assertThat(fields(binding("klaviyo", "metric_name", "Promo", "campaign_id", "abc123")))
        .isEmpty();
    assertThat(fields(binding("braze", "canvas_id", "c-1"))).isEmpty();
    assertThat(fields(binding("braze"))).containsExactly("campaign_id");
    assertThat(fields(binding("braze", "campaign_id", "a", "canvas_id", "b")))
        .containsExactly("canvas_id");
    assertThat(fields(binding("iterable", "workflow_id", "1234"))).isEmpty();
    assertThat(fields(binding("iterable", "workflow_id", "wf-1"))).containsExactly("workflow_id");
    assertThat(fields(binding("customerio", "event_name", "promo"))).isEmpty();
    assertThat(fields(binding("customerio"))).containsExactly("event_name");
    assertThat(
            fields(
                binding(
                    "sendgrid",
                    "template_id",
                    "d-0123456789abcdef0123456789abcdef",
                    "from_email",
                    "news@brand.example")))
        .isEmpty();
    assertThat(fields(binding("sendgrid", "template_id", "d-0123456789abcdef0123456789abcdef")))
        .as("SendGrid refuses a message without a sender")
        .containsExactly("from_email");
    assertThat(
            fields(binding("sendgrid", "template_id", "promo-drip", "from_email", "a@b.example")))
        .containsExactly("template_id");
  }

  @Test
  void typedRulesPerEsp() {
    assertThat(fields(binding("customerio", "event_name", "x".repeat(101))))
        .containsExactly("event_name");
    assertThat(fields(binding("customerio", "transactional_message_id", "7"))).isEmpty();
    String template = "d-0123456789abcdef0123456789abcdef";
    assertThat(
            fields(
                binding("sendgrid", "template_id", template, "from_email", "news@brand.example")))
        .isEmpty();
    assertThat(fields(binding("sendgrid", "template_id", template, "from_email", "news")))
        .containsExactly("from_email");
    assertThat(fields(binding("sendgrid", "template_id", template, "from_email", 7)))
        .containsExactly("from_email");
  }

  @Test
  void aWebhookNeedsAnHttpsUrlWithoutCredentials() {
    assertThat(fields(binding("webhook", "webhook_url", "https://hooks.brand.example/sendflowr")))
        .isEmpty();
    assertThat(fields(binding("webhook", "webhook_url", "http://127.0.0.1:8080/hook"))).isEmpty();
    assertThat(BindingRules.check(binding("webhook")))
        .containsExactly(new FieldError("webhook_url", "is required for a webhook"));
    assertThat(fields(binding("webhook", "webhook_url", "http://hooks.brand.example/x")))
        .containsExactly("webhook_url");
    assertThat(fields(binding("webhook", "webhook_url", "https://u:p@hooks.brand.example/x")))
        .containsExactly("webhook_url");
    assertThat(fields(binding("webhook", "webhook_url", "/relative")))
        .containsExactly("webhook_url");
    assertThat(fields(binding("braze", "canvas_id", "c", "webhook_url", "https://x.example")))
        .containsExactly("webhook_url");
  }

  @Test
  void everyEspSpecificFieldIsReadIntoTheBinding() {
    ConfigChange change =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_jan",
            3,
            Instant.parse("2026-01-05T09:00:00Z"),
            false,
            binding("braze", "canvas_id", "cv-1", "dry_run", true));
    IntentBinding b = IntentBinding.fromChange(change);
    assertThat(b.canvasId()).isEqualTo("cv-1");
    assertThat(b.campaignId()).isNull();
    assertThat(b.dryRun()).isTrue();
    assertThat(b.bindingId()).isEqualTo("promo_jan@braze");
  }

  @Test
  void anIdOfAnotherEspIsAnError() {
    assertThat(BindingRules.check(binding("klaviyo", "canvas_id", "c-1")))
        .containsExactly(new FieldError("canvas_id", "is not used by klaviyo"));
  }

  @Test
  void commonFieldsAreChecked() {
    Map<String, Object> b = binding("mailchimp", "dry_run", "yes", "channel", "x".repeat(300));
    b.remove("credential_ref");
    assertThat(fields(b)).containsExactly("esp", "credential_ref", "channel", "dry_run");
  }

  @Test
  void theLatenessBudgetIsBounded() {
    assertThat(fields(binding("klaviyo", "max_lateness_seconds", 3_600))).isEmpty();
    assertThat(fields(binding("klaviyo", "max_lateness_seconds", 0))).isEmpty();
    assertThat(fields(binding("klaviyo", "max_lateness_seconds", 1e30)))
        .containsExactly("max_lateness_seconds");
    assertThat(fields(binding("klaviyo", "max_lateness_seconds", 3_601)))
        .containsExactly("max_lateness_seconds");
    assertThat(fields(binding("klaviyo", "max_lateness_seconds", -1)))
        .containsExactly("max_lateness_seconds");
  }

  @Test
  void rateLimitsAreWholePositiveNumbersWithinBounds() {
    assertThat(
            fields(
                binding("klaviyo", "rate_limit_per_second", 350, "rate_limit_per_minute", 3_500)))
        .isEmpty();
    assertThat(fields(binding("klaviyo", "rate_limit_per_second", 0)))
        .containsExactly("rate_limit_per_second");
    assertThat(fields(binding("klaviyo", "rate_limit_per_second", 2.5)))
        .containsExactly("rate_limit_per_second");
    assertThat(fields(binding("klaviyo", "rate_limit_per_minute", "100")))
        .containsExactly("rate_limit_per_minute");
    assertThat(fields(binding("klaviyo", "rate_limit_per_minute", 1e30)))
        .containsExactly("rate_limit_per_minute");
  }

  @Test
  void batchEndpointLimitsAreCheckedLikeTheOthersAndOnlyWhereTheEspHasSuch() {
    assertThat(
            fields(
                binding(
                    "klaviyo",
                    "batch_rate_limit_per_second",
                    50,
                    "batch_rate_limit_per_minute",
                    3_000)))
        .isEmpty();
    assertThat(fields(binding("klaviyo", "batch_rate_limit_per_second", 0)))
        .containsExactly("batch_rate_limit_per_second");
    assertThat(fields(binding("klaviyo", "batch_rate_limit_per_minute", "150")))
        .containsExactly("batch_rate_limit_per_minute");
    assertThat(fields(binding("klaviyo", "batch_rate_limit_per_minute", 1e30)))
        .containsExactly("batch_rate_limit_per_minute");
    assertThat(fields(binding("braze", "campaign_id", "c", "batch_rate_limit_per_second", 10)))
        .containsExactly("batch_rate_limit_per_second");
  }

  @Test
  void aBindingCarriesItsAccountsBatchLimitsApartFromItsPerEventOnes() {
    Map<String, Object> snapshot = new java.util.LinkedHashMap<>();
    snapshot.put("rate_limit_per_second", 350);
    snapshot.put("batch_rate_limit_per_second", 50);
    snapshot.put("batch_rate_limit_per_minute", 3_000);
    AccountSettings settings = AccountSettings.fromSnapshot(snapshot);
    assertThat(settings.rateLimits()).isEqualTo(new RateLimits(350, null));
    assertThat(settings.batchRateLimits()).isEqualTo(new RateLimits(50, 3_000));
    assertThat(settings.toSnapshot()).isEqualTo(snapshot);
    assertThat(AccountSettings.fromSnapshot(Map.of()).batchRateLimits()).isEqualTo(RateLimits.NONE);
  }

  @Test
  void anAccountsApiRootIsHttpsWithoutCredentialsOrQuery() {
    assertThat(
            fields(
                binding(
                    "braze", "campaign_id", "c", "api_base_url", "https://rest.iad-05.braze.com")))
        .isEmpty();
    assertThat(
            fields(binding("braze", "campaign_id", "c", "api_base_url", "http://127.0.0.1:8080")))
        .isEmpty();
    for (String bad :
        new String[] {
          "http://rest.iad-05.braze.com",
          "https://user:pw@rest.iad-05.braze.com",
          "https://rest.iad-05.braze.com/?api_key=x",
          "rest.iad-05.braze.com"
        }) {
      assertThat(fields(binding("braze", "campaign_id", "c", "api_base_url", bad)))
          .as(bad)
          .containsExactly("api_base_url");
    }
  }

  @Test
  void theDispatcherAppliesTheSameRules() {
    ConfigChange braze =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_jan",
            1,
            Instant.parse("2026-01-05T09:00:00Z"),
            false,
            binding("braze"));
    assertThatThrownBy(() -> IntentBinding.fromChange(braze))
        .hasMessage(
            "'campaign_id' Braze needs exactly one of campaign_id or canvas_id in an intent binding");
  }
}
