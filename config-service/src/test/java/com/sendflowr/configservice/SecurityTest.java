package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Topics;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens and roles, credential secrecy, and input that looks like SQL, on PostgreSQL. */
class SecurityTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  /** Distinctive, so a grep for it cannot match anything else. */
  static final String CREDENTIAL = "pk_live_Zq8SECRETvalue4711xyz";

  static TestService svc;
  static String topic;

  @BeforeAll
  static void start() {
    topic = KAFKA.uniqueTopic(Topics.CONNECTOR_CONFIG);
    KAFKA.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
    svc = TestService.onPostgres(POSTGRES, KAFKA.bootstrapServers(), topic);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    svc.close();
  }

  @Test
  void everyRouteNeedsAValidToken() {
    ApiClient anonymous = svc.admin.as(null);
    for (String path :
        List.of("/intents", "/bindings", "/audit", "/export", "/openapi.json", "/nope")) {
      ApiClient.Response r = anonymous.get(path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.json().get("error").asText()).isEqualTo("unauthenticated");
    }
    assertThat(anonymous.post("/intents", "{\"intent_id\":\"x\",\"name\":\"x\"}").status())
        .isEqualTo(401);
    assertThat(svc.admin.as("sfc_not-a-real-token").get("/intents").status()).isEqualTo(401);
    assertThat(
            svc.admin
                .as("sfc_not-a-real-token")
                .get("/intents")
                .raw()
                .headers()
                .firstValue("WWW-Authenticate"))
        .contains("Bearer");
  }

  @Test
  void rolesLimitWhatATokenMayChange() {
    ApiClient viewer = svc.client("viewer");
    ApiClient editor = svc.client("editor");
    assertThat(viewer.get("/intents").status()).isEqualTo(200);
    ApiClient.Response denied =
        viewer.post("/intents", "{\"intent_id\":\"viewer_made\",\"name\":\"no\"}");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("error").asText()).isEqualTo("forbidden");
    assertThat(svc.admin.get("/intents/viewer_made").status()).isEqualTo(404);

    assertThat(editor.post("/intents", "{\"intent_id\":\"editor_made\",\"name\":\"ok\"}").status())
        .isEqualTo(201);
    // ESP accounts hold credentials: admins only.
    assertThat(
            editor
                .post(
                    "/esp-accounts",
                    "{\"account_id\":\"e1\",\"name\":\"n\",\"esp\":\"klaviyo\",\"credential\":\"k\"}")
                .status())
        .isEqualTo(403);
    assertThat(editor.get("/tokens").status()).isEqualTo(403);
    assertThat(editor.post("/import", "{}").status()).isEqualTo(403);

    // A revoked token stops working.
    String viewerId = viewer.get("/me").json().get("token_id").asText();
    assertThat(svc.admin.delete("/tokens/" + viewerId, null).status()).isEqualTo(204);
    assertThat(viewer.get("/intents").status()).isEqualTo(401);
  }

  @Test
  void aTokenStopsAuthenticatingWhenItExpires() throws Exception {
    java.time.Instant soon = java.time.Instant.now().plusSeconds(2);
    ApiClient.Response created =
        svc.admin.post(
            "/tokens",
            "{\"name\":\"short-lived\",\"role\":\"viewer\",\"expires_at\":\"" + soon + "\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    ApiClient shortLived = svc.admin.as(created.json().get("token").asText());
    assertThat(shortLived.get("/intents").status()).isEqualTo(200);
    assertThat(svc.admin.get("/tokens").body()).contains("short-lived").contains("expires_at");

    Thread.sleep(java.time.Duration.between(java.time.Instant.now(), soon).toMillis() + 300);
    assertThat(shortLived.get("/intents").status()).isEqualTo(401);

    ApiClient.Response past =
        svc.admin.post(
            "/tokens",
            "{\"name\":\"stale\",\"role\":\"viewer\",\"expires_at\":\"2020-01-01T00:00:00Z\"}");
    assertThat(past.status()).isEqualTo(400);
    assertThat(past.body()).contains("expires_at");
  }

  @Test
  void tokensAreStoredAsHashesOnly() throws Exception {
    ApiClient.Response created = svc.admin.post("/tokens", "{\"name\":\"ci\",\"role\":\"viewer\"}");
    String token = created.json().get("token").asText();
    assertThat(svc.admin.get("/tokens").body()).doesNotContain(token);
    assertThat(dump()).doesNotContain(token);
  }

  @Test
  void credentialsAppearInNoResponseLogLineOrTopicRecord() throws Exception {
    ApiClient.Response created =
        svc.admin.post(
            "/esp-accounts",
            """
            {"account_id":"brand-a-klaviyo","name":"Brand A","esp":"klaviyo",
             "api_base_url":"https://a.klaviyo.com","credential":"%s"}"""
                .formatted(CREDENTIAL));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("credential_set").asBoolean()).isTrue();
    svc.admin.post("/intents", "{\"intent_id\":\"promo_sec\",\"name\":\"Promo\"}");
    ApiClient.Response binding =
        svc.admin.post(
            "/bindings",
            """
            {"binding_id":"promo_sec-klaviyo","intent_id":"promo_sec","account_id":"brand-a-klaviyo",
             "metric_name":"Promo","campaign_id":"abc123","template_id":"promo-drip"}""");
    assertThat(binding.status()).as(binding.toString()).isEqualTo(201);
    // A rotation (which changes nothing a binding carries, so nothing is republished), and a
    // rejected update whose message must not echo the value either.
    String etag = svc.admin.get("/esp-accounts/brand-a-klaviyo").etag();
    svc.admin.put(
        "/esp-accounts/brand-a-klaviyo",
        "{\"name\":\"Brand A\",\"esp\":\"klaviyo\",\"api_base_url\":\"https://a.klaviyo.com\","
            + "\"credential\":\""
            + CREDENTIAL
            + "2\"}",
        etag);
    ApiClient.Response rejected =
        svc.admin.put(
            "/esp-accounts/brand-a-klaviyo",
            "{\"name\":\"Brand A\",\"esp\":\"klaviyo\",\"credential\":\"" + CREDENTIAL + " x\"}",
            svc.admin.get("/esp-accounts/brand-a-klaviyo").etag());
    assertThat(rejected.status()).isEqualTo(400);

    List<String> responses = new ArrayList<>();
    responses.add(created.body());
    responses.add(binding.body());
    responses.add(rejected.body());
    for (String path :
        List.of(
            "/esp-accounts",
            "/esp-accounts/brand-a-klaviyo",
            "/bindings",
            "/export",
            "/audit",
            "/audit?entity_type=esp_account")) {
      responses.add(svc.admin.get(path).body());
    }
    assertThat(responses).allSatisfy(body -> assertThat(body).doesNotContain(CREDENTIAL));

    List<ConsumerRecord<String, String>> records = awaitRecord(topic, "intent_binding:promo_sec");
    assertThat(records).allSatisfy(r -> assertThat(r.value()).doesNotContain(CREDENTIAL));
    assertThat(records.stream().filter(r -> r.key().equals("intent_binding:promo_sec")))
        .singleElement()
        .satisfies(r -> assertThat(r.value()).contains("\"credential_ref\":\"brand-a-klaviyo\""));

    Path log = Path.of("target/config-service-test.log");
    assertThat(log).exists();
    assertThat(Files.readString(log)).contains("OutboxRelay").doesNotContain(CREDENTIAL);

    // At rest it is ciphertext, and it decrypts with the key only.
    assertThat(dump()).doesNotContain(CREDENTIAL);
    assertThat(svc.service.store().decryptedCredentials())
        .containsEntry("brand-a-klaviyo", CREDENTIAL + "2");
  }

  @Test
  void sqlLookingInputIsStoredVerbatimAndNeverExecuted() {
    String name = "Robert'); DROP TABLE intents; --";
    String description = "' OR '1'='1'; DELETE FROM audit_log WHERE ''='";
    ApiClient.Response created =
        svc.admin.post(
            "/intents",
            com.sendflowr.contract.Contracts.toJson(
                Map.of("intent_id", "bobby", "name", name, "description", description)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    ApiClient.Response read = svc.admin.get("/intents/bobby");
    assertThat(read.json().get("name").asText()).isEqualTo(name);
    assertThat(read.json().get("description").asText()).isEqualTo(description);

    assertThat(
            svc.admin
                .get(
                    "/bindings?intent_id="
                        + java.net.URLEncoder.encode(
                            "' OR '1'='1", java.nio.charset.StandardCharsets.UTF_8))
                .json()
                .get("items"))
        .isEmpty();
    assertThat(
            svc.admin
                .get(
                    "/audit?entity_id="
                        + java.net.URLEncoder.encode(
                            "x' OR 1=1 --", java.nio.charset.StandardCharsets.UTF_8))
                .json()
                .get("items"))
        .isEmpty();
    // An id cannot carry SQL at all, and says why.
    ApiClient.Response badId =
        svc.admin.post("/intents", "{\"intent_id\":\"x'; DROP TABLE intents;--\",\"name\":\"x\"}");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.json().get("fields").get(0).get("field").asText()).isEqualTo("intent_id");

    // The tables are all still there, with their rows.
    assertThat(svc.admin.get("/intents").json().get("items").size()).isGreaterThanOrEqualTo(1);
    assertThat(svc.admin.get("/audit").json().get("items").size()).isGreaterThanOrEqualTo(1);
  }

  /** Every text value in the service's tables, as one string. */
  private static String dump() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = POSTGRES.connect(svc.jdbcUrl);
        Statement s = c.createStatement()) {
      for (String table :
          List.of(
              "intents",
              "signal_mappings",
              "esp_accounts",
              "bindings",
              "audit_log",
              "outbox",
              "api_tokens")) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= n; i++) {
              sb.append(rs.getString(i)).append('|');
            }
          }
        }
      }
    }
    return sb.toString();
  }

  private static List<ConsumerRecord<String, String>> awaitRecord(String topic, String key)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<ConsumerRecord<String, String>> all = KAFKA.consumeAll(topic, Duration.ofMillis(500));
      if (all.stream().anyMatch(r -> r.key().equals(key)) || System.nanoTime() > deadline) {
        return all;
      }
      Thread.sleep(200);
    }
  }
}
