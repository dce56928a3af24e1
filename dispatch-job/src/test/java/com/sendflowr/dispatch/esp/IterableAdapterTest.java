package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IterableAdapterTest {
  private static final String KEY = "iterable-key-0123456789abcdef";
  private final IterableAdapter adapter = new IterableAdapter();

  @Test
  void itTriggersTheWorkflowForTheRecipientsEmail() throws Exception {
    DispatchCommand c =
        command(
            decision("req-1", Map.of("email", "ann@example.com")),
            binding("iterable", "workflow_id", "40123"));
    EspRequest r = adapter.build(c, "https://api.eu.iterable.com", KEY);

    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.url()).isEqualTo("https://api.eu.iterable.com/api/workflows/triggerWorkflow");
    assertThat(r.headers())
        .containsEntry("Api-Key", KEY)
        .containsEntry("Content-Type", "application/json")
        .doesNotContainKey("Authorization");
    JsonNode body = Contracts.mapper().readTree(r.body());
    assertThat(body.get("workflowId").isIntegralNumber()).isTrue();
    assertThat(body.get("workflowId").asLong()).isEqualTo(40123L);
    assertThat(body.get("email").asText()).isEqualTo("ann@example.com");
    assertThat(body.has("userId")).isFalse();
    assertThat(body.get("dataFields").get("sendflowr_idempotency_key").asText())
        .isEqualTo(c.idempotencyKey());
    assertThat(r.toString()).doesNotContain(KEY);
  }

  @Test
  void withoutAnEmailTheUserIsNamedByItsUniversalId() throws Exception {
    DispatchCommand c =
        command(decision("req-1", Map.of()), binding("iterable", "workflow_id", "7"));
    JsonNode body =
        Contracts.mapper().readTree(adapter.build(c, "https://api.iterable.com", KEY).body());
    assertThat(body.get("userId").asText()).isEqualTo(c.decision().universalId());
    assertThat(body.has("email")).isFalse();
  }
}
