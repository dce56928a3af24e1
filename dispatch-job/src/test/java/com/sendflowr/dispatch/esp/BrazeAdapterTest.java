package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BrazeAdapterTest {
  private static final String KEY = "braze-rest-key-0123456789";
  private static final String BASE = "https://rest.fra-02.braze.eu/";
  private final BrazeAdapter adapter = new BrazeAdapter();

  private static JsonNode json(EspRequest r) throws Exception {
    return Contracts.mapper().readTree(r.body());
  }

  @Test
  void aCampaignBindingTriggersTheCampaignForTheRecipient() throws Exception {
    DispatchCommand c =
        command(
            decision("req-1", Map.of("email", "ann@example.com")),
            binding("braze", "campaign_id", "cmp-1"));
    EspRequest r = adapter.build(c, BASE, KEY);

    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.url()).isEqualTo("https://rest.fra-02.braze.eu/campaigns/trigger/send");
    assertThat(r.headers())
        .containsEntry("Authorization", "Bearer " + KEY)
        .containsEntry("Content-Type", "application/json");
    JsonNode body = json(r);
    assertThat(body.get("campaign_id").asText()).isEqualTo("cmp-1");
    assertThat(body.has("canvas_id")).isFalse();
    JsonNode recipient = body.get("recipients").get(0);
    assertThat(recipient.get("external_user_id").asText()).isEqualTo(c.decision().universalId());
    JsonNode props = recipient.get("trigger_properties");
    assertThat(props.get("sendflowr_idempotency_key").asText()).isEqualTo(c.idempotencyKey());
    assertThat(props.get("sendflowr_decision_id").asText()).isEqualTo(c.decision().decisionId());
    assertThat(props.get("metadata").get("email").asText()).isEqualTo("ann@example.com");
    assertThat(recipient.has("canvas_entry_properties")).isFalse();
    assertThat(r.toString()).doesNotContain(KEY);
  }

  @Test
  void aCanvasBindingEntersTheCanvasWithEntryProperties() throws Exception {
    DispatchCommand c = command(decision("req-1", Map.of()), binding("braze", "canvas_id", "cv-9"));
    EspRequest r = adapter.build(c, BASE, KEY);

    assertThat(r.url()).endsWith("/canvas/trigger/send");
    JsonNode body = json(r);
    assertThat(body.get("canvas_id").asText()).isEqualTo("cv-9");
    assertThat(body.has("campaign_id")).isFalse();
    JsonNode recipient = body.get("recipients").get(0);
    assertThat(recipient.get("canvas_entry_properties").get("sendflowr_intent_id").asText())
        .isEqualTo(c.decision().intentId());
    assertThat(recipient.has("trigger_properties")).isFalse();
  }

  @Test
  void oneRequestCarriesUpToFiftyRecipientsOfOneBinding() throws Exception {
    var b = binding("braze", "campaign_id", "cmp-1");
    List<DispatchCommand> fifty =
        IntStream.range(0, 50).mapToObj(i -> command(decision("req-" + i, Map.of()), b)).toList();

    JsonNode body = json(adapter.buildBatch(fifty, BASE, KEY));
    assertThat(body.get("recipients")).hasSize(50);
    assertThat(
            body.get("recipients")
                .get(49)
                .get("trigger_properties")
                .get("sendflowr_request_id")
                .asText())
        .isEqualTo("req-49");

    List<DispatchCommand> fiftyOne =
        IntStream.range(0, 51).mapToObj(i -> command(decision("req-" + i, Map.of()), b)).toList();
    assertThatThrownBy(() -> adapter.buildBatch(fiftyOne, BASE, KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 50");
    var other = binding("braze", "campaign_id", "cmp-2");
    assertThatThrownBy(
            () ->
                adapter.buildBatch(
                    List.of(fifty.get(0), command(decision("req-x", Map.of()), other)), BASE, KEY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDispatchIdIsTheResponseId() {
    assertThat(adapter.responseId(201, "{\"dispatch_id\":\"d-42\",\"message\":\"success\"}"))
        .isEqualTo("d-42");
    assertThat(adapter.responseId(201, "not json")).isNull();
  }

  @Test
  void dispatchesShareACallPerBindingUpToFiftyRecipients() throws Exception {
    var b = binding("braze", "canvas_id", "cv-1");
    List<DispatchCommand> fifty =
        IntStream.range(0, 50).mapToObj(i -> command(decision("req-" + i, Map.of()), b)).toList();
    assertThat(adapter.maxBatchSize()).isEqualTo(BrazeAdapter.MAX_RECIPIENTS);
    assertThat(fifty)
        .extracting(adapter::batchScope)
        .containsOnly(adapter.batchScope(fifty.get(0)));
    assertThat(
            adapter.batchScope(
                command(decision("r", Map.of()), binding("braze", "canvas_id", "cv-2"))))
        .isNotEqualTo(adapter.batchScope(fifty.get(0)));

    JsonNode body = json(adapter.buildBatch(fifty, BASE, KEY));
    assertThat(body.get("canvas_id").asText()).isEqualTo("cv-1");
    assertThat(body.get("recipients")).hasSize(50);
    for (int i = 0; i < 50; i++) {
      JsonNode recipient = body.get("recipients").get(i);
      assertThat(recipient.get("external_user_id").asText())
          .isEqualTo(fifty.get(i).decision().universalId());
      assertThat(recipient.at("/canvas_entry_properties/sendflowr_idempotency_key").asText())
          .isEqualTo(fifty.get(i).idempotencyKey());
    }
    assertThat(adapter.endpoint(1)).isEqualTo(adapter.endpoint(50));
  }
}
