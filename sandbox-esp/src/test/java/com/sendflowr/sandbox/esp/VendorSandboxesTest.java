package com.sendflowr.sandbox.esp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each vendor's sandbox answers as the vendor documents: paths, auth, bodies, limits, repeats. */
class VendorSandboxesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String KEY = "key-0123456789abcdef";

  private SandboxEsp esp;

  @AfterEach
  void stop() {
    if (esp != null) {
      esp.close();
    }
  }

  private SandboxEsp start(String vendor) {
    esp = SandboxEsp.start(SandboxVendors.of(vendor, Set.of(KEY)));
    return esp;
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(esp.baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void brazeAcceptsATriggerSendPerRecipientAndRefusesMoreThanFifty() throws Exception {
    start("braze");
    String body =
        "{\"campaign_id\":\"cmp-1\",\"recipients\":[{\"external_user_id\":\"u-1\","
            + "\"trigger_properties\":{\"sendflowr_idempotency_key\":\"sf-1\",\"x\":1}},"
            + "{\"external_user_id\":\"u-2\",\"trigger_properties\":{\"sendflowr_idempotency_key\":\"sf-2\"}}]}";

    HttpResponse<String> ok =
        post("/campaigns/trigger/send", body, "Authorization", "Bearer " + KEY);
    assertThat(ok.statusCode()).isEqualTo(201);
    assertThat(json(ok.body()).get("message").asText()).isEqualTo("success");
    assertThat(json(ok.body()).get("dispatch_id").asText()).isNotBlank();
    assertThat(esp.events()).hasSize(2);
    AcceptedEvent first = esp.events().get(0);
    assertThat(first.esp()).isEqualTo("braze");
    assertThat(first.metricName()).isEqualTo("cmp-1");
    assertThat(first.uniqueId()).isEqualTo("sf-1");
    assertThat(first.profile().get("external_user_id").asText()).isEqualTo("u-1");
    assertThat(first.properties().get("x").asInt()).isEqualTo(1);

    assertThat(post("/campaigns/trigger/send", body, "Authorization", "Bearer wrong").statusCode())
        .isEqualTo(401);
    assertThat(post("/campaigns/trigger/send", body).statusCode()).isEqualTo(401);
    // Braze does not deduplicate: the same send again is two more recipients, visible as repeats.
    post("/campaigns/trigger/send", body, "Authorization", "Bearer " + KEY);
    assertThat(esp.duplicateUniqueIds()).isEqualTo(2);

    String recipients =
        IntStream.range(0, 51)
            .mapToObj(i -> "{\"external_user_id\":\"u-" + i + "\"}")
            .collect(Collectors.joining(","));
    HttpResponse<String> tooMany =
        post(
            "/canvas/trigger/send",
            "{\"canvas_id\":\"cv-1\",\"recipients\":[" + recipients + "]}",
            "Authorization",
            "Bearer " + KEY);
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(json(tooMany.body()).get("errors").get(0).asText()).contains("1 to 50");
    HttpResponse<String> noId =
        post(
            "/canvas/trigger/send",
            "{\"recipients\":[{\"external_user_id\":\"u\",\"braze_id\":\"b\"}]}",
            "Authorization",
            "Bearer " + KEY);
    assertThat(json(noId.body()).get("errors").toString())
        .contains("canvas_id is required")
        .contains("exactly one of");
  }

  @Test
  void iterableChecksTheApiKeyHeaderAndAnswersItsCodes() throws Exception {
    start("iterable");
    String body =
        "{\"workflowId\":123,\"email\":\"ann@example.com\","
            + "\"dataFields\":{\"sendflowr_idempotency_key\":\"sf-1\"}}";

    HttpResponse<String> ok = post("/api/workflows/triggerWorkflow", body, "Api-Key", KEY);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok.body()).get("code").asText()).isEqualTo("Success");
    assertThat(esp.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.metricName()).isEqualTo("123");
              assertThat(e.profileEmail()).isEqualTo("ann@example.com");
              assertThat(e.uniqueId()).isEqualTo("sf-1");
            });
    // The key is a secret: recorded calls keep only its tail.
    assertThat(esp.calls().get(0).header("Api-Key")).isEqualTo("****cdef");

    HttpResponse<String> badKey =
        post("/api/workflows/triggerWorkflow", body, "Authorization", "Bearer " + KEY);
    assertThat(badKey.statusCode()).isEqualTo(401);
    assertThat(json(badKey.body()).get("code").asText()).isEqualTo("BadApiKey");
    HttpResponse<String> noWorkflow =
        post("/api/workflows/triggerWorkflow", "{\"email\":\"ann@example.com\"}", "Api-Key", KEY);
    assertThat(noWorkflow.statusCode()).isEqualTo(400);
    assertThat(json(noWorkflow.body()).get("code").asText()).isEqualTo("BadParams");
    assertThat(
            post(
                    "/api/workflows/triggerWorkflow",
                    "{\"workflowId\":\"123\",\"userId\":\"u\"}",
                    "Api-Key",
                    KEY)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void customerIoDropsAnEventWhoseIdItAlreadyHas() throws Exception {
    start("customerio");
    esp.close();
    esp = SandboxEsp.start(new CustomerIoSandbox(Set.of("site-1:" + KEY, KEY)));
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("site-1:" + KEY).getBytes(StandardCharsets.UTF_8));
    String event =
        "{\"name\":\"promo\",\"id\":\"01JGZ8X7AB0000000000000000\",\"timestamp\":1767605998,"
            + "\"data\":{\"k\":\"v\"}}";

    HttpResponse<String> first =
        post("/api/v1/customers/u%201/events", event, "Authorization", basic);
    HttpResponse<String> again =
        post("/api/v1/customers/u%201/events", event, "Authorization", basic);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(esp.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.metricName()).isEqualTo("promo");
              assertThat(e.profile().get("id").asText()).isEqualTo("u 1");
              assertThat(e.properties().get("k").asText()).isEqualTo("v");
            });
    assertThat(esp.suppressedDuplicates()).isEqualTo(1);
    assertThat(esp.duplicateUniqueIds()).isEqualTo(1);

    assertThat(
            post("/api/v1/customers/u/events", event, "Authorization", "Bearer " + KEY)
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> notUlid =
        post(
            "/api/v1/customers/u/events",
            "{\"name\":\"p\",\"id\":\"sf-123\"}",
            "Authorization",
            basic);
    assertThat(notUlid.statusCode()).isEqualTo(400);
    assertThat(json(notUlid.body()).at("/meta/error").asText()).contains("ULID");
    assertThat(
            post(
                    "/api/v1/customers/u/events",
                    "{\"name\":\"p\",\"timestamp\":1767605998000}",
                    "Authorization",
                    basic)
                .statusCode())
        .isEqualTo(400);

    HttpResponse<String> email =
        post(
            "/v1/send/email",
            "{\"transactional_message_id\":7,\"identifiers\":{\"id\":\"u-1\"},"
                + "\"message_data\":{\"sendflowr_idempotency_key\":\"sf-9\"}}",
            "Authorization",
            "Bearer " + KEY);
    assertThat(email.statusCode()).isEqualTo(200);
    assertThat(json(email.body()).get("delivery_id").asText()).isNotBlank();
    assertThat(esp.events()).hasSize(2);
    assertThat(
            post(
                    "/v1/send/email",
                    "{\"transactional_message_id\":7,\"identifiers\":{\"id\":\"u\",\"email\":\"a@b.co\"}}",
                    "Authorization",
                    "Bearer " + KEY)
                .statusCode())
        .isEqualTo(400);

    esp.reset();
    post("/api/v1/customers/u%201/events", event, "Authorization", basic);
    assertThat(esp.events()).as("reset forgets the ids seen").hasSize(1);
  }

  @Test
  void sendGridAnswers202WithAMessageIdAndItsErrorDocument() throws Exception {
    start("sendgrid");
    String body =
        "{\"personalizations\":[{\"to\":[{\"email\":\"ann@example.com\"}],"
            + "\"dynamic_template_data\":{\"a\":1},\"custom_args\":{\"sendflowr_idempotency_key\":\"sf-1\"}}],"
            + "\"from\":{\"email\":\"news@brand.example\"},\"template_id\":\"d-0123456789abcdef0123456789abcdef\"}";

    HttpResponse<String> ok = post("/v3/mail/send", body, "Authorization", "Bearer " + KEY);
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(ok.body()).isEmpty();
    assertThat(ok.headers().firstValue("X-Message-Id")).isPresent();
    assertThat(esp.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.profileEmail()).isEqualTo("ann@example.com");
              assertThat(e.uniqueId()).isEqualTo("sf-1");
              assertThat(e.properties().get("a").asInt()).isEqualTo(1);
            });

    HttpResponse<String> unauthorized = post("/v3/mail/send", body, "Authorization", "Bearer x");
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(json(unauthorized.body()).at("/errors/0/message").asText())
        .contains("authorization");
    HttpResponse<String> noFrom =
        post(
            "/v3/mail/send",
            body.replace("\"from\"", "\"reply_to\""),
            "Authorization",
            "Bearer " + KEY);
    assertThat(noFrom.statusCode()).isEqualTo(400);
    assertThat(json(noFrom.body()).at("/errors/0/field").asText()).isEqualTo("from.email");
    HttpResponse<String> numericArg =
        post(
            "/v3/mail/send",
            body.replace("\"sendflowr_idempotency_key\":\"sf-1\"", "\"n\":1"),
            "Authorization",
            "Bearer " + KEY);
    assertThat(json(numericArg.body()).at("/errors/0/message").asText()).contains("strings");
  }

  @Test
  void theWebhookReceiverVerifiesTheSignatureAndDeduplicatesOnTheKey() throws Exception {
    start("webhook");
    String body =
        "{\"type\":\"sendflowr.dispatch\",\"binding_id\":\"b-1\",\"decision\":{\"universal_id\":\"u-1\"}}";
    String ts = String.valueOf(Instant.now().getEpochSecond());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature =
        "v1="
            + HexFormat.of()
                .formatHex(mac.doFinal((ts + "." + body).getBytes(StandardCharsets.UTF_8)));

    String[] headers = {
      "X-SendFlowr-Timestamp", ts, "X-SendFlowr-Signature", signature, "Idempotency-Key", "sf-1"
    };
    assertThat(post("/hooks/sendflowr", body, headers).statusCode()).isEqualTo(200);
    assertThat(post("/hooks/sendflowr", body, headers).statusCode()).isEqualTo(200);
    assertThat(esp.events())
        .singleElement()
        .satisfies(e -> assertThat(e.uniqueId()).isEqualTo("sf-1"));
    assertThat(esp.suppressedDuplicates()).isEqualTo(1);

    assertThat(post("/hooks/sendflowr", body.replace("b-1", "b-2"), headers).statusCode())
        .as("a body that is not the signed one")
        .isEqualTo(401);
    String old = String.valueOf(Instant.now().minusSeconds(600).getEpochSecond());
    assertThat(
            post(
                    "/hooks/sendflowr",
                    body,
                    "X-SendFlowr-Timestamp",
                    old,
                    "X-SendFlowr-Signature",
                    signature)
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void faultsAnswerInEachVendorsFormatWithRetryAfter() throws Exception {
    Map<String, String> paths =
        Map.of(
            "braze", "/campaigns/trigger/send",
            "iterable", "/api/workflows/triggerWorkflow",
            "customerio", "/v1/send/email",
            "sendgrid", "/v3/mail/send",
            "webhook", "/hook");
    for (var vendor : paths.entrySet()) {
      start(vendor.getKey());
      esp.faults().next(1).status(429).retryAfterSeconds(3);
      esp.faults().next(1).status(503);
      HttpResponse<String> limited = post(vendor.getValue(), "{}");
      assertThat(limited.statusCode()).as(vendor.getKey()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).as(vendor.getKey()).hasValue("3");
      assertThat(json(limited.body()).isObject()).isTrue();
      assertThat(post(vendor.getValue(), "{}").statusCode()).isEqualTo(503);
      assertThat(esp.calls()).hasSize(2);
      assertThat(esp.events()).isEmpty();
      esp.close();
      esp = null;
    }
  }
}
