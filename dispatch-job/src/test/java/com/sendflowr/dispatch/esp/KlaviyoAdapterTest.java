package com.sendflowr.dispatch.esp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sendflowr.config.AccountSettings;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.DispatchCommand;
import com.sendflowr.sandbox.esp.KlaviyoSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KlaviyoAdapterTest {
  private static final String API_KEY = "pk_live_0123456789abcdef";
  private static final Instant TRIGGER = Instant.parse("2026-01-05T09:39:58Z");
  private static final Instant FIRED = TRIGGER.plusMillis(742);

  private final KlaviyoAdapter adapter = new KlaviyoAdapter();

  static TimingDecision decision(Map<String, String> metadata) {
    return ContractSamples.decision(
        "req-1", 2, DecisionStatus.SCHEDULED, TRIGGER, TRIGGER.plusSeconds(3600), metadata);
  }

  static IntentBinding binding(String campaignId, String templateId) {
    return new IntentBinding(
        "promo_jan@klaviyo",
        "promo_jan",
        "klaviyo",
        "brand-a",
        "brand-a-klaviyo",
        "SendFlowr Promo Jan",
        campaignId,
        null,
        null,
        null,
        null,
        templateId,
        null,
        null,
        null,
        300,
        false,
        4,
        AccountSettings.NONE);
  }

  static DispatchCommand command(TimingDecision d, IntentBinding b) {
    return new DispatchCommand(d, b, IdempotencyKeys.of(d.decisionId(), b.bindingId()), FIRED);
  }

  private EspRequest build(DispatchCommand c) {
    return adapter.build(c, "https://a.klaviyo.com", API_KEY);
  }

  private static JsonNode body(EspRequest r) throws Exception {
    return Contracts.mapper().readTree(r.body());
  }

  @Test
  void theRequestPassesKlaviyosPublishedCreateEventSchema() {
    EspRequest full =
        build(
            command(
                decision(
                    Map.of("email", "ann@example.com", "phone_number", "+14155550100", "x", "y")),
                binding("camp-1", "tmpl-1")));
    EspRequest minimal = build(command(decision(Map.of()), binding(null, null)));

    assertThat(KlaviyoSpec.get().validateCreateEvent(full.body())).isEmpty();
    assertThat(KlaviyoSpec.get().validateCreateEvent(minimal.body())).isEmpty();
  }

  @Test
  void theSchemaCheckWouldCatchABrokenBody() throws Exception {
    ObjectNode broken = (ObjectNode) body(build(command(decision(Map.of()), binding(null, null))));
    ((ObjectNode) broken.get("data").get("attributes")).remove("metric");
    assertThat(KlaviyoSpec.get().validateCreateEvent(broken)).isNotEmpty();
  }

  @Test
  void itPostsToTheEventsEndpointWithTheKlaviyoHeaders() {
    EspRequest r = build(command(decision(Map.of()), binding(null, null)));
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.url()).isEqualTo("https://a.klaviyo.com/api/events");
    assertThat(r.headers())
        .containsEntry("Authorization", "Klaviyo-API-Key " + API_KEY)
        .containsEntry("revision", "2026-07-15")
        .containsEntry("Content-Type", "application/vnd.api+json")
        .containsEntry("Accept", "application/vnd.api+json");
    assertThat(KlaviyoAdapter.REVISION).isEqualTo(KlaviyoSpec.REVISION);

    EspRequest sandbox =
        adapter.build(
            command(decision(Map.of()), binding(null, null)), "http://127.0.0.1:9/", API_KEY);
    assertThat(sandbox.url()).isEqualTo("http://127.0.0.1:9/api/events");
    assertThat(adapter.name()).isEqualTo("klaviyo");
    assertThat(adapter.defaultBaseUrl()).isEqualTo("https://a.klaviyo.com");
  }

  @Test
  void theEventCarriesTheIdempotencyKeyTheMetricTheProfileAndTheDecision() throws Exception {
    TimingDecision d = decision(Map.of("email", "ann@example.com", "campaign_hint", "jan"));
    IntentBinding b = binding("camp-1", "tmpl-1");
    DispatchCommand c = command(d, b);
    JsonNode data = body(build(c)).get("data");

    assertThat(data.get("type").asText()).isEqualTo("event");
    JsonNode a = data.get("attributes");
    assertThat(a.get("unique_id").asText()).isEqualTo(c.idempotencyKey());
    assertThat(a.get("time").asText()).isEqualTo("2026-01-05T09:39:58Z");
    assertThat(a.at("/metric/data/type").asText()).isEqualTo("metric");
    assertThat(a.at("/metric/data/attributes/name").asText()).isEqualTo("SendFlowr Promo Jan");
    assertThat(a.at("/profile/data/type").asText()).isEqualTo("profile");
    assertThat(a.at("/profile/data/attributes/external_id").asText()).isEqualTo("u-42");
    assertThat(a.at("/profile/data/attributes/email").asText()).isEqualTo("ann@example.com");
    assertThat(a.at("/profile/data/attributes").has("phone_number")).isFalse();

    JsonNode p = a.get("properties");
    assertThat(p.get("sendflowr_intent_id").asText()).isEqualTo("promo_jan");
    assertThat(p.get("sendflowr_request_id").asText()).isEqualTo("req-1");
    assertThat(p.get("sendflowr_decision_id").asText()).isEqualTo("dec-req-1-v2");
    assertThat(p.get("sendflowr_decision_version").asInt()).isEqualTo(2);
    assertThat(p.get("sendflowr_explanation_ref").asText()).isEqualTo("expl-dec-req-1-v2");
    assertThat(p.get("sendflowr_target_timestamp_utc").asText())
        .isEqualTo(d.targetTimestampUtc().toString());
    assertThat(p.get("sendflowr_trigger_timestamp_utc").asText()).isEqualTo(TRIGGER.toString());
    assertThat(p.get("sendflowr_target_minute_utc").asInt()).isEqualTo(d.targetMinuteUtc());
    assertThat(p.get("sendflowr_latency_estimate_seconds").asDouble()).isEqualTo(2.0);
    assertThat(p.get("sendflowr_confidence_score").asDouble()).isEqualTo(0.5);
    assertThat(p.get("campaign_id").asText()).isEqualTo("camp-1");
    assertThat(p.get("template").asText()).isEqualTo("tmpl-1");
    assertThat(p.get("metadata").get("campaign_hint").asText()).isEqualTo("jan");
  }

  @Test
  void theSameCommandAlwaysBuildsTheSameBody() {
    DispatchCommand c = command(decision(Map.of("email", "ann@example.com")), binding("c", "t"));
    assertThat(build(c).body()).isEqualTo(build(c).body());
  }

  @Test
  void theRequestNeverShowsItsApiKeyWhenLogged() {
    EspRequest r = build(command(decision(Map.of()), binding(null, null)));
    assertThat(r.toString())
        .doesNotContain(API_KEY)
        .doesNotContain("Klaviyo-API-Key")
        .contains("POST")
        .contains("/api/events");
    assertThat(r.body()).doesNotContain(API_KEY);
  }

  private static List<DispatchCommand> commands(int n, IntentBinding b) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                command(
                    ContractSamples.decision(
                        "req-" + i,
                        2,
                        DecisionStatus.SCHEDULED,
                        TRIGGER,
                        TRIGGER.plusSeconds(3600),
                        i % 2 == 0 ? Map.of("email", "u" + i + "@example.com") : Map.of()),
                    b))
        .toList();
  }

  @Test
  void aThousandDispatchesMakeOneBulkCreateJobThatPassesKlaviyosPublishedSchema() throws Exception {
    List<DispatchCommand> thousand = commands(1_000, binding("camp-1", "tmpl-1"));

    EspRequest r = adapter.buildBatch(thousand, "https://a.klaviyo.com/", API_KEY);

    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.url()).isEqualTo("https://a.klaviyo.com/api/event-bulk-create-jobs");
    assertThat(r.headers())
        .containsEntry("Authorization", "Klaviyo-API-Key " + API_KEY)
        .containsEntry("revision", KlaviyoSpec.REVISION)
        .containsEntry("Content-Type", "application/vnd.api+json");
    assertThat(KlaviyoSpec.get().validateBulkCreateEvents(r.body())).isEmpty();

    JsonNode data = body(r).get("data");
    assertThat(data.get("type").asText()).isEqualTo("event-bulk-create-job");
    JsonNode entries = data.at("/attributes/events-bulk-create/data");
    assertThat(entries).hasSize(1_000);
    for (int i = 0; i < 1_000; i++) {
      JsonNode entry = entries.get(i);
      DispatchCommand c = thousand.get(i);
      assertThat(entry.get("type").asText()).isEqualTo("event-bulk-create");
      assertThat(entry.at("/attributes/profile/data/attributes/external_id").asText())
          .isEqualTo(c.decision().universalId());
      JsonNode events = entry.at("/attributes/events/data");
      assertThat(events).hasSize(1);
      JsonNode event = events.get(0);
      assertThat(event.get("type").asText()).isEqualTo("event");
      // each event keeps its own idempotency key, metric and decision
      assertThat(event.at("/attributes/unique_id").asText()).isEqualTo(c.idempotencyKey());
      assertThat(event.at("/attributes/metric/data/attributes/name").asText())
          .isEqualTo("SendFlowr Promo Jan");
      assertThat(event.at("/attributes/properties/sendflowr_request_id").asText())
          .isEqualTo("req-" + i);
    }
    assertThat(entries.get(0).at("/attributes/profile/data/attributes/email").asText())
        .isEqualTo("u0@example.com");
    assertThat(r.toString()).doesNotContain(API_KEY);
  }

  @Test
  void bodiesAreWrittenInTheContractsCanonicalForm() throws Exception {
    List<DispatchCommand> three = commands(3, binding("camp-1", "tmpl-1"));
    for (EspRequest r :
        List.of(
            adapter.buildBatch(three, "https://a.klaviyo.com", API_KEY),
            adapter.build(three.get(0), "https://a.klaviyo.com", API_KEY),
            adapter.build(three.get(1), "https://a.klaviyo.com", API_KEY))) {
      // members in key order and formatted as the canonical mapper formats the same content
      Map<?, ?> content = Contracts.mapper().readValue(r.body(), Map.class);
      assertThat(r.body()).isEqualTo(Contracts.toJson(content));
    }
  }

  @Test
  void aBulkJobCarriesEachEventsOwnMetricAndABrokenOneFailsTheSchema() throws Exception {
    IntentBinding other =
        new IntentBinding(
            "other@klaviyo",
            "other",
            "klaviyo",
            "brand-a",
            "brand-a-klaviyo",
            "SendFlowr Other",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            300,
            false,
            1,
            AccountSettings.NONE);
    List<DispatchCommand> two =
        List.of(
            commands(1, binding(null, null)).get(0),
            command(decision(Map.of("email", "b@example.com")), other));

    EspRequest r = adapter.buildBatch(two, "https://a.klaviyo.com", API_KEY);

    assertThat(KlaviyoSpec.get().validateBulkCreateEvents(r.body())).isEmpty();
    JsonNode entries = body(r).at("/data/attributes/events-bulk-create/data");
    assertThat(
            entries
                .get(1)
                .at("/attributes/events/data/0/attributes/metric/data/attributes/name")
                .asText())
        .isEqualTo("SendFlowr Other");
    ObjectNode broken = (ObjectNode) body(r);
    ((ObjectNode) broken.at("/data/attributes/events-bulk-create/data/1/attributes/events/data/0"))
        .put("type", "events");
    assertThat(KlaviyoSpec.get().validateBulkCreateEvents(broken)).isNotEmpty();
  }

  @Test
  void oneDispatchGoesByCreateEventAndMoreThanAThousandIsRefused() {
    List<DispatchCommand> one = commands(1, binding(null, null));
    assertThat(adapter.buildBatch(one, "https://a.klaviyo.com", API_KEY))
        .isEqualTo(build(one.get(0)));
    assertThat(adapter.maxBatchSize()).isEqualTo(1_000);
    assertThat(adapter.endpoint(1).publishedLimits()).isEqualTo(adapter.publishedLimits());
    assertThat(adapter.endpoint(2).publishedLimits()).isEqualTo(KlaviyoAdapter.BULK_LIMITS);
    assertThat(adapter.endpoint(2).batchOnly()).isTrue();

    assertThatThrownBy(
            () ->
                adapter.buildBatch(
                    commands(1_001, binding(null, null)), "https://a.klaviyo.com", API_KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 1000");
  }

  @Test
  void aBulkJobBeyondFiveMegabytesIsRefusedBeforeItIsSent() {
    IntentBinding b = binding(null, null);
    String big = "x".repeat(90_000);
    List<DispatchCommand> heavy =
        IntStream.range(0, 60)
            .mapToObj(
                i ->
                    command(
                        ContractSamples.decision(
                            "req-" + i,
                            2,
                            DecisionStatus.SCHEDULED,
                            TRIGGER,
                            TRIGGER.plusSeconds(3600),
                            Map.of("note", big)),
                        b))
            .toList();
    assertThatThrownBy(() -> adapter.buildBatch(heavy, "https://a.klaviyo.com", API_KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytes");
  }
}
