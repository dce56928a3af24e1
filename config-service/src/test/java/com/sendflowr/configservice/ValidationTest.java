package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Field-level errors, per ESP, with the dispatch job's own binding rules. On H2 (the local
 * default); the PostgreSQL tests cover the same code on the production database.
 */
class ValidationTest {
  static TestService svc;

  @BeforeAll
  static void start() {
    svc = TestService.onH2("validation", null, null);
    ApiClient a = svc.admin;
    a.post("/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\"}");
    for (String esp : List.of("klaviyo", "braze", "iterable", "customerio", "sendgrid")) {
      ApiClient.Response r =
          a.post(
              "/esp-accounts",
              "{\"account_id\":\"acct-"
                  + esp
                  + "\",\"name\":\""
                  + esp
                  + "\",\"esp\":\""
                  + esp
                  + "\",\"credential\":\"key-"
                  + esp
                  + "\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    svc.close();
  }

  private static ApiClient.Response bind(String esp, String extra) {
    return svc.admin.post(
        "/bindings",
        "{\"binding_id\":\"b-"
            + esp
            + "-"
            + Math.abs(extra.hashCode())
            + "\",\"intent_id\":\"promo_jan\","
            + "\"account_id\":\"acct-"
            + esp
            + "\""
            + (extra.isEmpty() ? "" : "," + extra)
            + ",\"active\":false}");
  }

  private static List<String> fields(ApiClient.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("validation_failed");
    List<String> out = new ArrayList<>();
    for (JsonNode f : r.json().get("fields")) {
      out.add(f.get("field").asText() + ": " + f.get("message").asText());
    }
    return out;
  }

  @Test
  void eachEspGetsItsOwnFieldErrors() {
    assertThat(bind("klaviyo", "\"metric_name\":\"Promo\",\"campaign_id\":\"abc123\"").status())
        .isEqualTo(201);
    assertThat(fields(bind("klaviyo", "\"canvas_id\":\"c1\"")))
        .containsExactly("canvas_id: is not used by klaviyo");
    assertThat(fields(bind("klaviyo", "\"metric_name\":\"" + "m".repeat(129) + "\"")))
        .containsExactly("metric_name: must be at most 128 characters");

    assertThat(fields(bind("braze", "")))
        .containsExactly("campaign_id: Braze needs exactly one of campaign_id or canvas_id");
    assertThat(bind("braze", "\"canvas_id\":\"canvas-1\"").status()).isEqualTo(201);

    assertThat(fields(bind("iterable", "\"workflow_id\":\"wf-x\"")))
        .containsExactly("workflow_id: must be Iterable's numeric workflow id");
    assertThat(fields(bind("iterable", "")))
        .containsExactly("workflow_id: is required for Iterable");

    assertThat(
            fields(bind("customerio", "\"event_name\":\"e\",\"transactional_message_id\":\"7\"")))
        .containsExactly(
            "transactional_message_id: Customer.io needs exactly one of event_name or transactional_message_id");

    assertThat(fields(bind("sendgrid", "\"template_id\":\"promo-drip\"")))
        .containsExactly(
            "template_id: must be a SendGrid dynamic template id (d- and 32 hex digits)",
            "from_email: is required for SendGrid");
    assertThat(fields(bind("sendgrid", "\"template_id\":\"d-0123456789abcdef0123456789abcdef\"")))
        .containsExactly("from_email: is required for SendGrid");
    assertThat(
            bind(
                    "sendgrid",
                    "\"template_id\":\"d-0123456789abcdef0123456789abcdef\","
                        + "\"from_email\":\"news@brand.example\"")
                .status())
        .isEqualTo(201);
  }

  @Test
  void bindingReferencesAndTypesAreFieldErrors() {
    assertThat(
            fields(
                svc.admin.post(
                    "/bindings",
                    "{\"binding_id\":\"b-x\",\"intent_id\":\"nope\",\"account_id\":\"nope\"}")))
        .containsExactly("intent_id: names no intent", "account_id: names no ESP account");
    assertThat(fields(bind("klaviyo", "\"dry_run\":\"yes\"")))
        .containsExactly("dry_run: has the wrong type or format");
    assertThat(fields(bind("klaviyo", "\"campaign\":\"typo\"")))
        .containsExactly("campaign: is not a field of this entity");
  }

  @Test
  void intentAndSignalMappingErrorsNameTheirFields() {
    assertThat(
            fields(
                svc.admin.post(
                    "/intents",
                    "{\"intent_id\":\"bad\",\"name\":\"\",\"max_lateness_seconds\":-1,"
                        + "\"description\":\""
                        + "d".repeat(2001)
                        + "\"}")))
        .containsExactly(
            "name: is required",
            "description: must be at most 2000 characters",
            "max_lateness_seconds: must be between 0 and 604800");
    // The timing job's reader decides the rest, field by field.
    assertThat(
            fields(
                svc.admin.post(
                    "/intents",
                    "{\"intent_id\":\"bad\",\"name\":\"x\",\"fallback_policy\":\"guess\"}")))
        .singleElement()
        .asString()
        .startsWith("fallback_policy: must be one of");
    assertThat(
            fields(
                svc.admin.post(
                    "/intents",
                    "{\"intent_id\":\"bad\",\"name\":\"x\",\"default_window\":\"P60D\"}")))
        .singleElement()
        .asString()
        .startsWith("default_window: must be positive and at most");
    assertThat(
            fields(
                svc.admin.post(
                    "/signal-mappings",
                    "{\"mapping_id\":\"m1\",\"signal_type\":\"Site Visit\",\"role\":\"circuit_breaker\","
                        + "\"weight\":3,\"intent_id\":\"ghost\"}")))
        .containsExactly(
            "signal_type: must be lower-case letters, digits and _ (at most 64), e.g. site_visit",
            "intent_id: names no intent (create intent 'ghost' first, or use *)",
            "weight: applies to hot_path mappings only");
    assertThat(
            fields(
                svc.admin.post(
                    "/signal-mappings",
                    "{\"mapping_id\":\"m1\",\"signal_type\":\"ticket_opened\",\"role\":\"circuit_breaker\","
                        + "\"duration\":\"P90D\"}")))
        .singleElement()
        .asString()
        .startsWith("duration: must be positive and at most");
  }

  @Test
  void defaultsAreTheJobsDefaults() {
    JsonNode intent =
        svc.admin.post("/intents", "{\"intent_id\":\"defaults\",\"name\":\"Defaults\"}").json();
    assertThat(intent.get("default_window").asText()).isEqualTo("PT24H");
    assertThat(intent.get("max_lateness_seconds").asLong()).isEqualTo(300);
    assertThat(intent.get("confidence_threshold").asDouble()).isEqualTo(0.2);
    assertThat(intent.get("fallback_policy").asText()).isEqualTo("population_prior");
    JsonNode breaker =
        svc.admin
            .post(
                "/signal-mappings",
                "{\"mapping_id\":\"ticket\",\"signal_type\":\"ticket_opened\",\"role\":\"circuit_breaker\"}")
            .json();
    assertThat(breaker.get("duration").asText()).isEqualTo("PT48H");
    assertThat(breaker.get("intent_id").asText()).isEqualTo("*");
  }
}
