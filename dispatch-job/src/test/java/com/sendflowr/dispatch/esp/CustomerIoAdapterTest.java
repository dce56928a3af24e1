package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerIoAdapterTest {
  private static final String TRACK_CREDENTIAL = "site-123:track-key-abcdef0123";
  private static final String APP_KEY = "app-key-0123456789abcdef";
  private final CustomerIoAdapter adapter = new CustomerIoAdapter();

  @Test
  void anEventBindingTracksAnEventWithADeduplicatingUlid() throws Exception {
    DispatchCommand c =
        command(
            decision("req-1", Map.of("email", "ann@example.com")),
            binding("customerio", "event_name", "sendflowr_promo"));
    EspRequest r = adapter.build(c, "https://track-eu.customer.io", TRACK_CREDENTIAL);

    assertThat(r.url())
        .isEqualTo(
            "https://track-eu.customer.io/api/v1/customers/"
                + c.decision().universalId()
                + "/events");
    String basic =
        Base64.getEncoder().encodeToString(TRACK_CREDENTIAL.getBytes(StandardCharsets.UTF_8));
    assertThat(r.headers())
        .containsEntry("Authorization", "Basic " + basic)
        .containsEntry("Content-Type", "application/json");
    JsonNode body = Contracts.mapper().readTree(r.body());
    assertThat(body.get("name").asText()).isEqualTo("sendflowr_promo");
    assertThat(body.get("id").asText())
        .matches("[0-7][0-9A-HJKMNP-TV-Z]{25}")
        .isEqualTo(IdempotencyKeys.ulid(c.idempotencyKey(), c.decision().triggerTimestampUtc()));
    assertThat(body.get("timestamp").asLong()).isEqualTo(c.firedAt().getEpochSecond());
    assertThat(body.get("data").get("sendflowr_decision_id").asText())
        .isEqualTo(c.decision().decisionId());
    // A retry or a replay after restore builds the same event id, so Customer.io drops it.
    assertThat(adapter.build(c, "https://track-eu.customer.io", TRACK_CREDENTIAL).body())
        .isEqualTo(r.body());
  }

  @Test
  void thePersonIsEncodedAsOnePathSegment() {
    assertThat(CustomerIoAdapter.eventsPath("a b/c@d"))
        .isEqualTo("/api/v1/customers/a%20b%2Fc%40d/events");
  }

  @Test
  void aTrackCredentialWithoutSiteIdIsRefusedWithoutEchoingIt() {
    DispatchCommand c =
        command(decision("req-1", Map.of()), binding("customerio", "event_name", "promo"));
    assertThatThrownBy(() -> adapter.build(c, adapter.defaultBaseUrl(), "only-the-key-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("site_id:api_key")
        .hasMessageNotContaining("only-the-key-secret");
  }

  @Test
  void aTransactionalBindingSendsThroughTheAppApi() throws Exception {
    DispatchCommand c =
        command(
            decision("req-1", Map.of("email", "ann@example.com")),
            binding("customerio", "transactional_message_id", "12"));
    EspRequest r = adapter.build(c, "https://track.customer.io", APP_KEY);

    assertThat(r.url()).isEqualTo("https://api.customer.io/v1/send/email");
    assertThat(r.headers()).containsEntry("Authorization", "Bearer " + APP_KEY);
    JsonNode body = Contracts.mapper().readTree(r.body());
    assertThat(body.get("transactional_message_id").isIntegralNumber()).isTrue();
    assertThat(body.get("transactional_message_id").asLong()).isEqualTo(12);
    assertThat(body.get("identifiers").get("id").asText()).isEqualTo(c.decision().universalId());
    assertThat(body.get("to").asText()).isEqualTo("ann@example.com");
    assertThat(body.get("message_data").get("sendflowr_idempotency_key").asText())
        .isEqualTo(c.idempotencyKey());
    assertThat(r.toString()).doesNotContain(APP_KEY);
    assertThat(adapter.responseId(200, "{\"delivery_id\":\"dlv-1\",\"queued_at\":1}"))
        .isEqualTo("dlv-1");
  }

  @Test
  void theAppApiHostFollowsTheTrackApiRegion() {
    assertThat(CustomerIoAdapter.appBaseUrl("https://track.customer.io"))
        .isEqualTo("https://api.customer.io");
    assertThat(CustomerIoAdapter.appBaseUrl("https://track-eu.customer.io/"))
        .isEqualTo("https://api-eu.customer.io");
    assertThat(CustomerIoAdapter.appBaseUrl("http://127.0.0.1:8089"))
        .isEqualTo("http://127.0.0.1:8089");
  }
}
