package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.testkit.ClickHouseExtension;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The decision explorer's API, reading timing_explanations from a real ClickHouse. */
class ExplanationsTest {
  @RegisterExtension static final ClickHouseExtension CLICKHOUSE = new ClickHouseExtension();

  static TestService svc;
  static String db;
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @BeforeAll
  static void start() {
    db = SampleExplanations.createTable(CLICKHOUSE);
    // d-1 twice (a re-decision: the later version wins), d-2 later, d-3 someone else's.
    SampleExplanations.insert(
        CLICKHOUSE, db, "d-1", 1, "u-1", "promo_jan", T0, T0.plusSeconds(3600), 1200, 0.5);
    SampleExplanations.insert(
        CLICKHOUSE,
        db,
        "d-1",
        2,
        "u-1",
        "promo_jan",
        T0.plusSeconds(60),
        T0.plusSeconds(7200),
        1260,
        0.64);
    SampleExplanations.insert(
        CLICKHOUSE,
        db,
        "d-2",
        1,
        "u-1",
        "promo_jan",
        T0.plusSeconds(600),
        T0.plusSeconds(9000),
        1300,
        0.3);
    SampleExplanations.insert(
        CLICKHOUSE, db, "d-3", 1, "u-2", "promo_jan", T0, T0.plusSeconds(3600), 100, 0.9);
    svc =
        TestService.onH2(
            "explanations", null, null, new ExplanationsReader(CLICKHOUSE.httpUrl(), db));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    svc.close();
  }

  @Test
  void aRecipientsDecisionsNewestFirstEachAtItsLatestVersion() {
    ApiClient viewer = svc.client("viewer");
    ApiClient.Response r = viewer.get("/decisions?universal_id=u-1");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode items = r.json().get("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).get("decision_id").asText()).isEqualTo("d-2");
    JsonNode d1 = items.get(1);
    assertThat(d1.get("decision_id").asText()).isEqualTo("d-1");
    assertThat(d1.get("decision_version").asInt()).isEqualTo(2);
    assertThat(d1.get("target_minute_utc").asInt()).isEqualTo(1260);
    assertThat(d1.get("confidence_score").asDouble()).isEqualTo(0.64);
    assertThat(d1.get("latency_estimate_seconds").asDouble()).isEqualTo(42.0);
    assertThat(d1.get("trigger_timestamp_utc").asText())
        .isEqualTo(T0.plusSeconds(7200 - 42).toString());
    assertThat(d1.get("created_at").asText()).isEqualTo(T0.plusSeconds(60).toString());
  }

  @Test
  void oneDecisionWithItsExplanation() {
    JsonNode d = svc.admin.get("/decisions/d-1").json();
    assertThat(d.get("universal_id").asText()).isEqualTo("u-1");
    JsonNode e = d.get("explanation");
    assertThat(e.get("chosen").get("minute_of_week").asInt()).isEqualTo(1260);
    assertThat(e.get("runners_up")).hasSize(2);
    assertThat(e.get("latency").get("source").asText()).isEqualTo("learned");
    assertThat(d.get("context_weights").get(0).get("signal").asText()).isEqualTo("site_visit");
    assertThat(svc.admin.get("/decisions/nope").status()).isEqualTo(404);
  }

  @Test
  void idsAreValuesNeverSql() {
    for (String hostile :
        new String[] {"u-1' OR '1'='1", "u-1\\' OR 1=1 --", "x'; DROP TABLE timing_explanations"}) {
      ApiClient.Response r =
          svc.admin.get(
              "/decisions?universal_id="
                  + java.net.URLEncoder.encode(hostile, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(r.status()).as(hostile).isEqualTo(200);
      assertThat(r.json().get("items")).as(hostile).isEmpty();
    }
    assertThat(CLICKHOUSE.queryLong("SELECT count() FROM " + db + ".timing_explanations"))
        .isGreaterThan(0);
    assertThat(svc.admin.get("/decisions").status()).isEqualTo(400);
    assertThat(svc.admin.as(null).get("/decisions?universal_id=u-1").status()).isEqualTo(401);
  }

  @Test
  void anUnreachableStoreIsA503() throws InterruptedException {
    try (TestService other =
        TestService.onH2(
            "explanations-down", null, null, new ExplanationsReader("http://127.0.0.1:9", db))) {
      ApiClient.Response r = other.admin.get("/decisions?universal_id=u-1");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().get("error").asText()).isEqualTo("explanations_unavailable");
    }
  }
}
