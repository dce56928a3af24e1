package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookAdapterTest {
  private static final String SECRET = "whsec_0123456789abcdef";
  private final WebhookAdapter adapter = new WebhookAdapter();

  /** What a receiver does, written here from the documented scheme rather than the adapter. */
  private static boolean receiverAccepts(EspRequest r, String secret) throws Exception {
    String timestamp = r.headers().get("X-SendFlowr-Timestamp");
    String signature = r.headers().get("X-SendFlowr-Signature");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((timestamp + "." + r.body()).getBytes(StandardCharsets.UTF_8));
    return signature.startsWith("v1=")
        && MessageDigest.isEqual(
            expected, HexFormat.of().parseHex(signature.substring("v1=".length())));
  }

  @Test
  void itPostsTheDecisionSignedOverTimestampAndBody() throws Exception {
    DispatchCommand c =
        command(
            decision("req-1", Map.of("email", "ann@example.com")),
            binding("webhook", "webhook_url", "https://hooks.brand.example/sendflowr"));
    EspRequest r = adapter.build(c, "", SECRET);

    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.url()).isEqualTo("https://hooks.brand.example/sendflowr");
    assertThat(r.headers())
        .containsEntry("Content-Type", "application/json")
        .containsEntry("X-SendFlowr-Timestamp", String.valueOf(c.firedAt().getEpochSecond()))
        .containsEntry("Idempotency-Key", c.idempotencyKey());
    assertThat(receiverAccepts(r, SECRET)).isTrue();
    assertThat(receiverAccepts(r, "another-secret")).isFalse();
    assertThat(r.headers().values()).noneMatch(v -> v.contains(SECRET));

    JsonNode body = Contracts.mapper().readTree(r.body());
    assertThat(body.get("type").asText()).isEqualTo("sendflowr.dispatch");
    assertThat(body.get("idempotency_key").asText()).isEqualTo(c.idempotencyKey());
    assertThat(body.get("decision").get("request_id").asText()).isEqualTo("req-1");
    assertThat(body.get("decision").get("metadata").get("email").asText())
        .isEqualTo("ann@example.com");
  }

  @Test
  void aTamperedBodyFailsVerification() throws Exception {
    DispatchCommand c =
        command(
            decision("req-1", Map.of()),
            binding("webhook", "webhook_url", "https://hooks.brand.example/x"));
    EspRequest r = adapter.build(c, "", SECRET);
    EspRequest tampered =
        new EspRequest(r.method(), r.url(), r.headers(), r.body().replace("req-1", "req-2"));
    assertThat(receiverAccepts(tampered, SECRET)).isFalse();
    // A retry re-sends byte for byte, so the receiver can deduplicate on the key.
    assertThat(adapter.build(c, "", SECRET).headers()).isEqualTo(r.headers());
  }
}
