package com.sendflowr.sandbox.esp;

import static com.sendflowr.sandbox.esp.KlaviyoSpecTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxEspTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KEY = "pk_0123456789abcdefWXYZ";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static SandboxEsp esp;

  @BeforeAll
  static void start() {
    esp = SandboxEsp.start(0);
  }

  @AfterAll
  static void stop() {
    esp.close();
  }

  @BeforeEach
  void reset() {
    esp.reset();
  }

  private static HttpRequest.Builder klaviyo(String path, String body) {
    return HttpRequest.newBuilder(URI.create(esp.baseUrl() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Klaviyo-API-Key " + KEY)
        .header("revision", KlaviyoSpec.REVISION)
        .header("Content-Type", "application/vnd.api+json")
        .header("Accept", "application/vnd.api+json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text);
  }

  @Test
  void acceptsTheSpecExampleEventAndRecordsIt() throws Exception {
    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEmpty();

    RecordedCall call = esp.awaitCalls(1, Duration.ofSeconds(10)).get(0);
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/api/events");
    assertThat(call.status()).isEqualTo(202);
    assertThat(call.header("revision")).isEqualTo("2026-07-15");
    assertThat(call.bodyJson().at("/data/attributes/unique_id").asText())
        .isEqualTo("dec-1:binding-1");
    assertThat(call.receivedAt()).isBefore(Instant.now().plusSeconds(1));
    // The key is a secret: only its last four characters are kept.
    assertThat(call.header("Authorization")).isEqualTo("Klaviyo-API-Key ****WXYZ");
    assertThat(call.headers().toString()).doesNotContain(KEY);

    AcceptedEvent event = esp.events().get(0);
    assertThat(event.uniqueId()).isEqualTo("dec-1:binding-1");
    assertThat(event.metricName()).isEqualTo("Viewed Product");
    assertThat(event.profileEmail()).isEqualTo("sarah.mason@klaviyo-demo.com");
    assertThat(event.properties().path("ProductID").asInt()).isEqualTo(1111);
  }

  @Test
  void acceptsPlainJsonContentTypeAsKlaviyoDoes() throws Exception {
    HttpResponse<String> response =
        send(
            klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json"))
                .setHeader("Content-Type", "application/json; charset=utf-8")
                .setHeader("Accept", "application/json")
                .build());
    assertThat(response.statusCode()).isEqualTo(202);
  }

  @Test
  void acceptsTheSpecExampleBulkJobAndRecordsEveryEvent() throws Exception {
    HttpResponse<String> response =
        send(
            klaviyo(SandboxEsp.BULK_CREATE_EVENTS_PATH, resource("bulk_create_events.json"))
                .build());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(esp.events())
        .extracting(AcceptedEvent::uniqueId)
        .containsExactly("dec-2:binding-1", "dec-3:binding-1", "dec-4:binding-1");
    assertThat(esp.events())
        .allSatisfy(e -> assertThat(e.path()).isEqualTo(SandboxEsp.BULK_CREATE_EVENTS_PATH));
    assertThat(esp.duplicateUniqueIds()).isZero();
  }

  @Test
  void rejectsAMissingMetricWithAPointerToIt() throws Exception {
    ObjectNode body = (ObjectNode) json(resource("create_event.json"));
    ((ObjectNode) body.at("/data/attributes")).remove("metric");

    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, body.toString()).build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.api+json");
    JsonNode error = json(response.body()).at("/errors/0");
    assertThat(error.path("status").asInt()).isEqualTo(400);
    assertThat(error.path("code").asText()).isEqualTo("invalid");
    assertThat(error.path("title").asText()).isEqualTo("Invalid input.");
    assertThat(error.path("id").asText()).isNotBlank();
    assertThat(error.at("/source/pointer").asText()).isEqualTo("/data/attributes/metric");
    assertThat(esp.events()).isEmpty();
    assertThat(esp.calls()).singleElement().extracting(RecordedCall::status).isEqualTo(400);
  }

  @Test
  void rejectsWrongTypesFromTheSchema() throws Exception {
    ObjectNode body = (ObjectNode) json(resource("create_event.json"));
    ((ObjectNode) body.at("/data")).put("type", "profile");
    ((ObjectNode) body.at("/data/attributes")).put("value", "9.99");

    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, body.toString()).build());

    assertThat(response.statusCode()).isEqualTo(400);
    List<String> pointers = new ArrayList<>();
    json(response.body())
        .path("errors")
        .forEach(e -> pointers.add(e.at("/source/pointer").asText()));
    assertThat(pointers).contains("/data/type", "/data/attributes/value");
  }

  @Test
  void rejectsAProfileWithoutIdentifier() throws Exception {
    ObjectNode body = (ObjectNode) json(resource("create_event.json"));
    ObjectNode profile = (ObjectNode) body.at("/data/attributes/profile/data/attributes");
    profile.remove("email");
    profile.remove("phone_number");

    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, body.toString()).build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).at("/errors/0/source/pointer").asText())
        .isEqualTo("/data/attributes/profile/data/attributes");
  }

  @Test
  void aStringOverKlaviyosLimitIsRejectedWithItsPointer() throws Exception {
    ObjectNode body = (ObjectNode) json(resource("create_event.json"));
    ObjectNode properties = (ObjectNode) body.at("/data/attributes/properties");
    properties.put("short", "fine");
    properties.putObject("a/b~c").put("note", "x".repeat(SandboxEsp.MAX_STRING_CHARS + 1));

    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, body.toString()).build());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json(response.body()).at("/errors/0");
    assertThat(error.at("/source/pointer").asText())
        .isEqualTo("/data/attributes/properties/a~1b~0c/note");
    assertThat(error.path("detail").asText()).contains("cannot exceed");
    assertThat(esp.events()).isEmpty();

    properties.putObject("a/b~c").put("note", "x".repeat(SandboxEsp.MAX_STRING_CHARS));
    assertThat(send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, body.toString()).build()).statusCode())
        .isEqualTo(202);
  }

  @Test
  void rejectsMalformedJson() throws Exception {
    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, "{\"data\": {").build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).at("/errors/0/code").asText()).isEqualTo("parse_error");
  }

  @Test
  void missingOrMalformedApiKeyIs401() throws Exception {
    HttpResponse<String> missing =
        send(
            HttpRequest.newBuilder(URI.create(esp.baseUrl() + SandboxEsp.CREATE_EVENT_PATH))
                .header("revision", KlaviyoSpec.REVISION)
                .header("Content-Type", "application/vnd.api+json")
                .POST(HttpRequest.BodyPublishers.ofString(resource("create_event.json")))
                .build());
    HttpResponse<String> bearer =
        send(
            klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json"))
                .setHeader("Authorization", "Bearer " + KEY)
                .build());

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing.body()).at("/errors/0/code").asText()).isEqualTo("not_authenticated");
    assertThat(bearer.statusCode()).isEqualTo(401);
    assertThat(esp.calls())
        .extracting(c -> c.header("authorization"))
        .containsExactly(null, "Bearer ****WXYZ");
  }

  @Test
  void onlyConfiguredKeysAreAcceptedWhenKeysAreGiven() throws Exception {
    try (SandboxEsp strict = SandboxEsp.start(0, java.util.Set.of("pk_right_key_1234"))) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(strict.baseUrl() + SandboxEsp.CREATE_EVENT_PATH))
              .header("revision", KlaviyoSpec.REVISION)
              .header("Content-Type", "application/vnd.api+json")
              .POST(HttpRequest.BodyPublishers.ofString(resource("create_event.json")));
      assertThat(
              send(request.copy().header("Authorization", "Klaviyo-API-Key pk_wrong").build())
                  .statusCode())
          .isEqualTo(401);
      assertThat(
              send(request
                      .copy()
                      .header("Authorization", "Klaviyo-API-Key pk_right_key_1234")
                      .build())
                  .statusCode())
          .isEqualTo(202);
    }
  }

  @Test
  void missingRevisionIs400() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(esp.baseUrl() + SandboxEsp.CREATE_EVENT_PATH))
                .header("Authorization", "Klaviyo-API-Key " + KEY)
                .header("Content-Type", "application/vnd.api+json")
                .POST(HttpRequest.BodyPublishers.ofString(resource("create_event.json")))
                .build());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json(response.body()).at("/errors/0");
    assertThat(error.path("code").asText()).isEqualTo("invalid");
    assertThat(error.at("/source/parameter").asText()).isEqualTo("revision");
  }

  @Test
  void wrongMediaTypesAreRejected() throws Exception {
    assertThat(
            send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json"))
                    .setHeader("Content-Type", "text/plain")
                    .build())
                .statusCode())
        .isEqualTo(415);
    assertThat(
            send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json"))
                    .setHeader("Accept", "text/html")
                    .build())
                .statusCode())
        .isEqualTo(406);
  }

  @Test
  void unknownPathsAndMethodsAreRejected() throws Exception {
    assertThat(send(klaviyo("/api/profiles", "{}").build()).statusCode()).isEqualTo(404);
    assertThat(
            send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, "")
                    .method("GET", HttpRequest.BodyPublishers.noBody())
                    .build())
                .statusCode())
        .isEqualTo(405);
  }

  @Test
  void bulkJobWithMoreThanAThousandEventsIsRejected() throws Exception {
    ObjectNode body = (ObjectNode) json(resource("bulk_create_events.json"));
    ArrayNode events =
        (ArrayNode) body.at("/data/attributes/events-bulk-create/data/0/attributes/events/data");
    JsonNode template = events.get(0);
    events.removeAll();
    for (int i = 0; i < SandboxEsp.MAX_BULK_EVENTS; i++) {
      ObjectNode event = template.deepCopy();
      ((ObjectNode) event.path("attributes")).put("unique_id", "bulk-" + i);
      events.add(event);
    }
    // 1,000 here plus one in the second profile's entry.
    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.BULK_CREATE_EVENTS_PATH, body.toString()).build());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json(response.body()).at("/errors/0");
    assertThat(error.at("/source/pointer").asText())
        .isEqualTo("/data/attributes/events-bulk-create/data");
    assertThat(error.path("detail").asText()).contains("1000").contains("1001");
    assertThat(esp.events()).isEmpty();

    // Exactly 1,000 is fine.
    ((ArrayNode) body.at("/data/attributes/events-bulk-create/data")).remove(1);
    assertThat(
            send(klaviyo(SandboxEsp.BULK_CREATE_EVENTS_PATH, body.toString()).build()).statusCode())
        .isEqualTo(202);
    assertThat(esp.events()).hasSize(1000);
  }

  @Test
  void aUniqueIdRepeatedForTheSameProfileAndMetricFailsTheWholeBulkJob() throws Exception {
    ObjectNode body = (ObjectNode) json(resource("bulk_create_events.json"));
    ArrayNode events =
        (ArrayNode) body.at("/data/attributes/events-bulk-create/data/0/attributes/events/data");
    ObjectNode repeat = events.get(0).deepCopy();
    events.add(repeat);

    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.BULK_CREATE_EVENTS_PATH, body.toString()).build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).at("/errors/0/source/pointer").asText())
        .isEqualTo(
            "/data/attributes/events-bulk-create/data/0/attributes/events/data/2/attributes"
                + "/unique_id");
    assertThat(esp.events()).isEmpty();

    // The same unique_id under another metric is another event.
    ((ObjectNode) repeat.at("/attributes/metric/data/attributes")).put("name", "Another metric");
    assertThat(
            send(klaviyo(SandboxEsp.BULK_CREATE_EVENTS_PATH, body.toString()).build()).statusCode())
        .isEqualTo(202);
    assertThat(esp.events()).hasSize(4);
  }

  @Test
  void rateLimitFaultAnswers429WithRetryAfterThenRecovers() throws Exception {
    esp.faults().next(2).status(429).retryAfterSeconds(1);

    HttpResponse<String> first =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    HttpResponse<String> second =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    HttpResponse<String> third =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());

    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(json(first.body()).at("/errors/0/code").asText()).isEqualTo("throttled");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(third.statusCode()).isEqualTo(202);
    // Throttled calls were not processed, so the event was accepted once.
    assertThat(esp.events()).hasSize(1);
    assertThat(esp.calls()).extracting(RecordedCall::status).containsExactly(429, 429, 202);
  }

  @Test
  void anEnforcedRateLimitAnswersTheVendors429AndCountsIt() throws Exception {
    // Three calls per one-second window: of ten calls sent one after another, at most three per
    // wall-clock second they arrived in get through; the others are throttled as Klaviyo throttles.
    esp.enforceRateLimit(3, 0);
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> throttled = null;
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r =
          send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
      statuses.add(r.statusCode());
      if (r.statusCode() == 429) {
        throttled = r;
      }
    }

    long accepted = statuses.stream().filter(s -> s == 202).count();
    assertThat(statuses).containsOnly(202, 429);
    long seconds =
        esp.calls().stream().map(c -> c.receivedAt().getEpochSecond()).distinct().count();
    assertThat(accepted).isBetween(3L, 3 * seconds);
    assertThat(accepted).isLessThan(10);
    assertThat(esp.rateLimitedCalls()).isEqualTo(10 - accepted);
    assertThat(throttled.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(json(throttled.body()).at("/errors/0/code").asText()).isEqualTo("throttled");
    assertThat(esp.calls()).filteredOn(c -> c.status() == 429).hasSize((int) (10 - accepted));
  }

  @Test
  void aRateLimitForOneKeyLeavesTheOthersAlone() throws Exception {
    esp.enforceRateLimit(KEY, 0, 1);
    HttpResponse<String> first =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    HttpResponse<String> second =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    HttpResponse<String> otherKey =
        send(
            klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json"))
                .setHeader("Authorization", "Klaviyo-API-Key pk_another_account_0000")
                .build());

    assertThat(first.statusCode()).isEqualTo(202);
    // The steady (one-minute) window is full until the minute ends.
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
    assertThat(otherKey.statusCode()).isEqualTo(202);
    assertThat(esp.rateLimitedCalls()).isEqualTo(1);

    esp.reset();
    assertThat(esp.rateLimitedCalls()).isZero();
    assertThat(
            send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build())
                .statusCode())
        .isEqualTo(202);
  }

  @Test
  void serverErrorFault() throws Exception {
    esp.faults().next(1).status(503);
    assertThat(
            send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build())
                .statusCode())
        .isEqualTo(503);
    assertThat(
            send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build())
                .statusCode())
        .isEqualTo(202);
  }

  @Test
  void delayFaultHoldsTheResponseBackButStillProcessesIt() throws Exception {
    Duration delay = Duration.ofMillis(700);
    esp.faults().next(1).delay(delay);

    long started = System.nanoTime();
    HttpResponse<String> response =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(response.statusCode()).isEqualTo(202);
    // A lower bound only: the response cannot come before the programmed delay.
    assertThat(took).isGreaterThanOrEqualTo(delay);
    assertThat(esp.events()).hasSize(1);
  }

  @Test
  void delayedCallsDoNotBlockOthers() throws Exception {
    esp.faults().next(1).delay(Duration.ofSeconds(60));
    CompletableFuture<HttpResponse<String>> slow =
        HTTP.sendAsync(
            klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build(),
            HttpResponse.BodyHandlers.ofString());
    while (esp.faults().pendingCalls() > 0) {
      Thread.sleep(10);
    }
    HttpResponse<String> fast =
        send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    assertThat(fast.statusCode()).isEqualTo(202);
    assertThat(slow).isNotDone();
    slow.cancel(true);
  }

  @Test
  void recordsARepeatedUniqueIdOncePerProfileAndMetricAndCountsTheRepeats() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response =
          send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
      assertThat(response.statusCode()).as("a repeat is answered like any event").isEqualTo(202);
    }
    assertThat(esp.calls()).hasSize(3);
    assertThat(esp.events()).hasSize(1);
    assertThat(esp.suppressedDuplicates()).isEqualTo(2);
    assertThat(esp.duplicateUniqueIds()).isEqualTo(2);
    assertThat(esp.uniqueIdCounts()).containsEntry("dec-1:binding-1", 3L);
  }

  @Test
  void theSameUniqueIdUnderAnotherMetricOrForAnotherProfileIsANewEvent() throws Exception {
    ObjectNode otherMetric = (ObjectNode) json(resource("create_event.json"));
    ((ObjectNode) otherMetric.at("/data/attributes/metric/data/attributes"))
        .put("name", "Renamed Metric");
    ObjectNode otherProfile = (ObjectNode) json(resource("create_event.json"));
    ((ObjectNode) otherProfile.at("/data/attributes/profile/data/attributes"))
        .put("email", "someone.else@example.com");
    ObjectNode noUniqueIdSameSecond = (ObjectNode) json(resource("create_event.json"));
    ((ObjectNode) noUniqueIdSameSecond.at("/data/attributes")).remove("unique_id");

    send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, otherMetric.toString()).build());
    send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, otherProfile.toString()).build());
    // without a unique_id Klaviyo keys on the event's time to the second
    send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, noUniqueIdSameSecond.toString()).build());
    send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, noUniqueIdSameSecond.toString()).build());

    assertThat(esp.events()).hasSize(4);
    assertThat(esp.suppressedDuplicates()).isEqualTo(1);
    esp.reset();
    send(klaviyo(SandboxEsp.CREATE_EVENT_PATH, resource("create_event.json")).build());
    assertThat(esp.events()).as("reset forgets what was recorded").hasSize(1);
  }

  @Test
  void awaitCallsExplainsATimeout() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> esp.awaitCalls(1, Duration.ofMillis(200)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected at least 1 calls")
        .hasMessageContaining("got 0");
  }
}
