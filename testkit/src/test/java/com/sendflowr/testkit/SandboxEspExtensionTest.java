package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SandboxEspExtensionTest {

  @RegisterExtension static final SandboxEspExtension ESP = new SandboxEspExtension();

  private static final String EVENT =
      """
      {"data": {"type": "event", "attributes": {
        "properties": {"intent": "promo_jan"},
        "unique_id": "%s",
        "metric": {"data": {"type": "metric", "attributes": {"name": "SendFlowr Trigger"}}},
        "profile": {"data": {"type": "profile", "attributes": {"email": "a@example.com"}}}}}}
      """;

  private static int post(String uniqueId) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(ESP.baseUrl() + "/api/events"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Klaviyo-API-Key " + SandboxEspExtension.API_KEY)
            .header("revision", "2026-07-15")
            .header("Content-Type", "application/vnd.api+json")
            .POST(HttpRequest.BodyPublishers.ofString(EVENT.formatted(uniqueId)))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void recordsEventsSentToIt() throws Exception {
    ESP.faults().next(1).status(429).retryAfterSeconds(0);
    assertThat(post("d-1")).isEqualTo(429);
    assertThat(post("d-1")).isEqualTo(202);
    assertThat(ESP.awaitEvents(1, Duration.ofSeconds(10)))
        .singleElement()
        .satisfies(e -> assertThat(e.uniqueId()).isEqualTo("d-1"));
    assertThat(ESP.duplicateUniqueIds()).isZero();
  }

  @Test
  void startsEachTestClean() throws Exception {
    assertThat(ESP.calls()).isEmpty();
    assertThat(post("d-2")).isEqualTo(202);
    assertThat(ESP.calls()).hasSize(1);
  }

  @Test
  void anotherEspIsNamedByItsBindingName() {
    SandboxEspExtension braze = new SandboxEspExtension("braze");
    braze.beforeAll(null);
    try {
      assertThat(braze.esp().vendor().name()).isEqualTo("braze");
    } finally {
      braze.afterAll(null);
    }
    assertThatThrownBy(() -> new SandboxEspExtension("mailchimp")).hasMessageContaining("braze");
  }
}
