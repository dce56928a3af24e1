package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.AccountSettings;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the dispatch job receives as bindings change: one {@code intent_binding:<intent>} record per
 * change of the intent's active binding, an ESP switch in one change, a tombstone when none is
 * active. Reads the outbox directly (no Kafka here: the relay has its own test).
 */
class BindingPublishingTest {

  @Test
  void anEspSwitchIsOneChangeAndRetiringTheBindingPublishesATombstone() throws Exception {
    try (TestService svc = TestService.onH2("binding-publishing", null, null)) {
      ApiClient a = svc.admin;
      a.post(
          "/intents",
          "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\",\"max_lateness_seconds\":120}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-k\",\"name\":\"K\",\"esp\":\"klaviyo\",\"credential\":\"k\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-b\",\"name\":\"B\",\"esp\":\"braze\",\"credential\":\"b\"}");
      assertThat(
              a.post(
                      "/bindings",
                      "{\"binding_id\":\"promo-k\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-k\","
                          + "\"campaign_id\":\"abc123\",\"template_id\":\"promo-drip\"}")
                  .status())
          .isEqualTo(201);
      // Prepared while inactive: nothing published.
      assertThat(
              a.post(
                      "/bindings",
                      "{\"binding_id\":\"promo-b\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-b\","
                          + "\"canvas_id\":\"canvas-9\",\"active\":false}")
                  .status())
          .isEqualTo(201);
      List<ConfigChange> before = bindingRecords(svc);
      assertThat(before).hasSize(1);
      IntentBinding klaviyo = IntentBinding.fromChange(before.get(0));
      assertThat(klaviyo.esp()).isEqualTo("klaviyo");
      assertThat(klaviyo.credentialRef()).isEqualTo("acct-k");
      assertThat(klaviyo.campaignId()).isEqualTo("abc123");
      assertThat(klaviyo.maxLatenessSeconds()).isEqualTo(120);

      // The switch: activating the Braze binding retires the Klaviyo one in the same change.
      String etag = a.get("/bindings/promo-b").etag();
      ApiClient.Response switched =
          a.put(
              "/bindings/promo-b",
              "{\"intent_id\":\"promo_jan\",\"account_id\":\"acct-b\",\"canvas_id\":\"canvas-9\",\"active\":true}",
              etag);
      assertThat(switched.status()).as(switched.toString()).isEqualTo(200);
      assertThat(a.get("/bindings/promo-k").json().get("active").asBoolean()).isFalse();
      List<ConfigChange> after = bindingRecords(svc);
      assertThat(after).hasSize(2);
      IntentBinding braze = IntentBinding.fromChange(after.get(1));
      assertThat(braze.bindingId()).isEqualTo("promo-b");
      assertThat(braze.esp()).isEqualTo("braze");
      assertThat(after.get(1).snapshot()).containsEntry("canvas_id", "canvas-9");

      // The intent's max lateness travels with its binding.
      String intentEtag = a.get("/intents/promo_jan").etag();
      a.put("/intents/promo_jan", "{\"name\":\"Promo\",\"max_lateness_seconds\":60}", intentEtag);
      assertThat(IntentBinding.fromChange(bindingRecords(svc).get(2)).maxLatenessSeconds())
          .isEqualTo(60);

      assertThat(a.delete("/bindings/promo-b", a.get("/bindings/promo-b").etag()).status())
          .isEqualTo(204);
      List<ConfigChange> last = bindingRecords(svc);
      assertThat(last).hasSize(4);
      assertThat(last.get(3).tombstone()).isTrue();
      assertThat(last).extracting(ConfigChange::version).isSorted().doesNotHaveDuplicates();

      // What a binding still uses cannot be deleted from under it.
      ApiClient.Response intentInUse =
          a.delete("/intents/promo_jan", a.get("/intents/promo_jan").etag());
      assertThat(intentInUse.status()).isEqualTo(409);
      assertThat(intentInUse.json().get("message").asText()).contains("binding promo-k");
      assertThat(a.delete("/esp-accounts/acct-k", a.get("/esp-accounts/acct-k").etag()).status())
          .isEqualTo(409);
      assertThat(a.delete("/esp-accounts/acct-b", a.get("/esp-accounts/acct-b").etag()).status())
          .isEqualTo(204);
    }
  }

  @Test
  void theAccountsApiRootAndRateLimitsTravelWithItsBindingsAndAChangeRepublishesThem()
      throws Exception {
    try (TestService svc = TestService.onH2("binding-rate-limits", null, null)) {
      ApiClient a = svc.admin;
      a.post("/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-k\",\"name\":\"K\",\"esp\":\"klaviyo\",\"credential\":\"k\","
              + "\"api_base_url\":\"https://a.klaviyo.com\",\"rate_limit_per_second\":50}");
      a.post(
          "/bindings",
          "{\"binding_id\":\"promo-k\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-k\","
              + "\"metric_name\":\"Promo\"}");
      assertThat(IntentBinding.fromChange(bindingRecords(svc).get(0)).accountSettings())
          .isEqualTo(new AccountSettings("https://a.klaviyo.com", new RateLimits(50, null)));

      String etag = a.get("/esp-accounts/acct-k").etag();
      ApiClient.Response updated =
          a.put(
              "/esp-accounts/acct-k",
              "{\"name\":\"K\",\"esp\":\"klaviyo\",\"rate_limit_per_second\":20,"
                  + "\"rate_limit_per_minute\":600}",
              etag);
      assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
      List<ConfigChange> records = bindingRecords(svc);
      assertThat(records).hasSize(2);
      assertThat(IntentBinding.fromChange(records.get(1)).accountSettings().rateLimits())
          .isEqualTo(new RateLimits(20, 600));

      // A rename alone does not republish.
      a.put(
          "/esp-accounts/acct-k",
          "{\"name\":\"Klaviyo main\",\"esp\":\"klaviyo\",\"rate_limit_per_second\":20,"
              + "\"rate_limit_per_minute\":600}",
          a.get("/esp-accounts/acct-k").etag());
      assertThat(bindingRecords(svc)).hasSize(2);
    }
  }

  @Test
  void aKlaviyoAccountsBulkLimitsTravelWithItsBindingsAndOtherEspsRefuseThem() throws Exception {
    try (TestService svc = TestService.onH2("binding-batch-limits", null, null)) {
      ApiClient a = svc.admin;
      a.post("/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-k\",\"name\":\"K\",\"esp\":\"klaviyo\",\"credential\":\"k\","
              + "\"batch_rate_limit_per_second\":50,\"batch_rate_limit_per_minute\":3000}");
      a.post(
          "/bindings",
          "{\"binding_id\":\"promo-k\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-k\","
              + "\"metric_name\":\"Promo\"}");
      assertThat(IntentBinding.fromChange(bindingRecords(svc).get(0)).accountSettings())
          .isEqualTo(new AccountSettings(null, RateLimits.NONE, new RateLimits(50, 3_000)));
      assertThat(a.get("/esp-accounts/acct-k").toString())
          .contains("\"batch_rate_limit_per_second\":50");

      // Changing them republishes the account's bindings.
      ApiClient.Response updated =
          a.put(
              "/esp-accounts/acct-k",
              "{\"name\":\"K\",\"esp\":\"klaviyo\",\"batch_rate_limit_per_second\":20}",
              a.get("/esp-accounts/acct-k").etag());
      assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
      List<ConfigChange> records = bindingRecords(svc);
      assertThat(records).hasSize(2);
      assertThat(IntentBinding.fromChange(records.get(1)).accountSettings().batchRateLimits())
          .isEqualTo(new RateLimits(20, null));

      ApiClient.Response outOfBounds =
          a.put(
              "/esp-accounts/acct-k",
              "{\"name\":\"K\",\"esp\":\"klaviyo\",\"batch_rate_limit_per_minute\":0}",
              a.get("/esp-accounts/acct-k").etag());
      assertThat(outOfBounds.status()).isEqualTo(400);
      assertThat(outOfBounds.toString()).contains("batch_rate_limit_per_minute");

      ApiClient.Response braze =
          a.post(
              "/esp-accounts",
              "{\"account_id\":\"acct-b\",\"name\":\"B\",\"esp\":\"braze\",\"credential\":\"b\","
                  + "\"batch_rate_limit_per_second\":5}");
      assertThat(braze.status()).isEqualTo(400);
      assertThat(braze.toString()).contains("batch_rate_limit_per_second", "is not used by braze");
    }
  }

  @Test
  void eachChannelHasItsOwnActiveBindingAndRecordAndASwitchRetiresOnlyItsChannel()
      throws Exception {
    try (TestService svc = TestService.onH2("binding-channels", null, null)) {
      ApiClient a = svc.admin;
      a.post("/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-s\",\"name\":\"S\",\"esp\":\"sendgrid\",\"credential\":\"s\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-w\",\"name\":\"W\",\"esp\":\"webhook\",\"credential\":\"w\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-b\",\"name\":\"B\",\"esp\":\"braze\",\"credential\":\"b\"}");
      String template = "d-0123456789abcdef0123456789abcdef";

      // SendGrid needs its sender; the service stores it and publishes it.
      ApiClient.Response noSender =
          a.post(
              "/bindings",
              "{\"binding_id\":\"promo-email\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-s\","
                  + "\"template_id\":\""
                  + template
                  + "\",\"channel\":\"email\"}");
      assertThat(noSender.status()).isEqualTo(400);
      assertThat(noSender.toString()).contains("from_email");
      assertThat(
              a.post(
                      "/bindings",
                      "{\"binding_id\":\"promo-email\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-s\","
                          + "\"template_id\":\""
                          + template
                          + "\",\"from_email\":\"news@brand.example\",\"channel\":\"email\"}")
                  .status())
          .isEqualTo(201);
      assertThat(a.get("/bindings/promo-email").json().get("from_email").asText())
          .isEqualTo("news@brand.example");
      // A webhook on another channel, with its URL.
      assertThat(
              a.post(
                      "/bindings",
                      "{\"binding_id\":\"promo-hook\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-w\","
                          + "\"webhook_url\":\"https://hooks.brand.example/sendflowr\",\"channel\":\"crm\"}")
                  .status())
          .isEqualTo(201);
      ApiClient.Response badChannel =
          a.post(
              "/bindings",
              "{\"binding_id\":\"promo-x\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-b\","
                  + "\"campaign_id\":\"c\",\"channel\":\"a/b\"}");
      assertThat(badChannel.status()).isEqualTo(400);

      List<ConfigChange> email = records(svc, "intent_binding:promo_jan/email");
      List<ConfigChange> crm = records(svc, "intent_binding:promo_jan/crm");
      assertThat(email).hasSize(1);
      assertThat(crm).hasSize(1);
      assertThat(IntentBinding.fromChange(email.get(0)).fromEmail())
          .isEqualTo("news@brand.example");
      assertThat(IntentBinding.fromChange(crm.get(0)).webhookUrl())
          .isEqualTo("https://hooks.brand.example/sendflowr");
      assertThat(IntentBinding.fromChange(crm.get(0)).intentId()).isEqualTo("promo_jan");

      // Moving the email channel to Braze retires the SendGrid binding, not the webhook.
      assertThat(
              a.post(
                      "/bindings",
                      "{\"binding_id\":\"promo-braze\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-b\","
                          + "\"campaign_id\":\"cmp-1\",\"channel\":\"email\"}")
                  .status())
          .isEqualTo(201);
      assertThat(a.get("/bindings/promo-email").json().get("active").asBoolean()).isFalse();
      assertThat(a.get("/bindings/promo-hook").json().get("active").asBoolean()).isTrue();
      email = records(svc, "intent_binding:promo_jan/email");
      assertThat(email).hasSize(2);
      assertThat(IntentBinding.fromChange(email.get(1)).esp()).isEqualTo("braze");
      assertThat(records(svc, "intent_binding:promo_jan/crm")).hasSize(1);

      // Moving the webhook to the default channel: its old channel's record is withdrawn.
      ApiClient.Response moved =
          a.put(
              "/bindings/promo-hook",
              "{\"intent_id\":\"promo_jan\",\"account_id\":\"acct-w\","
                  + "\"webhook_url\":\"https://hooks.brand.example/sendflowr\"}",
              a.get("/bindings/promo-hook").etag());
      assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
      crm = records(svc, "intent_binding:promo_jan/crm");
      assertThat(crm).hasSize(2);
      assertThat(crm.get(1).tombstone()).isTrue();
      assertThat(bindingRecords(svc)).hasSize(1);
      assertThat(IntentBinding.fromChange(bindingRecords(svc).get(0)).esp()).isEqualTo("webhook");
    }
  }

  private static List<ConfigChange> bindingRecords(TestService svc) throws Exception {
    return records(svc, "intent_binding:promo_jan");
  }

  private static List<ConfigChange> records(TestService svc, String key) throws Exception {
    List<ConfigChange> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(svc.jdbcUrl);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT record_value FROM outbox WHERE record_key = ? ORDER BY position")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Contracts.parseConfigChange(rs.getString(1)).value());
        }
      }
    }
    return out;
  }
}
