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
    // d-1's request: version 1 expired at Klaviyo (fired too late), version 2 accepted at Braze.
    SampleExplanations.insertOutcome(
        CLICKHOUSE,
        db,
        "d-1",
        2,
        "braze",
        "accepted",
        201,
        T0.plusSeconds(7200 - 42),
        T0.plusSeconds(7200 - 42).plusMillis(120));
    SampleExplanations.insertOutcome(
        CLICKHOUSE,
        db,
        "d-1",
        1,
        "klaviyo",
        "expired",
        null,
        T0.plusSeconds(3600 - 42),
        T0.plusSeconds(3600 - 42 + 190));
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
    // The dispatch timeline of the request, in the order it happened.
    JsonNode dispatch = d.get("dispatch");
    assertThat(dispatch).hasSize(2);
    assertThat(dispatch.get(0).get("state").asText()).isEqualTo("expired");
    assertThat(dispatch.get(0).get("esp").asText()).isEqualTo("klaviyo");
    assertThat(dispatch.get(0).get("esp_status").isNull()).isTrue();
    assertThat(dispatch.get(0).get("lateness_millis").asLong()).isEqualTo(190_000);
    assertThat(dispatch.get(1).get("state").asText()).isEqualTo("accepted");
    assertThat(dispatch.get(1).get("esp").asText()).isEqualTo("braze");
    assertThat(dispatch.get(1).get("esp_status").asInt()).isEqualTo(201);
    assertThat(dispatch.get(1).get("decision_version").asInt()).isEqualTo(2);
    assertThat(dispatch.get(1).get("fired_at").asText())
        .isEqualTo(T0.plusSeconds(7200 - 42).plusMillis(120).toString());
    assertThat(svc.admin.get("/decisions/d-2").json().get("dispatch")).isEmpty();
    // The explanation reference the ESP call carries finds the same decision.
    assertThat(svc.admin.get("/decisions/expl:d-1").json().get("decision_id").asText())
        .isEqualTo("d-1");
    assertThat(svc.admin.get("/decisions/nope").status()).isEqualTo(404);
  }

  @Test
  void theOverviewCountsTheLastHours() {
    // Recent activity, relative to now; the fixtures above are older than a day.
    Instant now = Instant.now();
    String recent = db;
    SampleExplanations.insert(
        CLICKHOUSE,
        recent,
        "r-1",
        1,
        "u-7",
        "promo_jan",
        now.minusSeconds(3600),
        now.plusSeconds(3600),
        1200,
        0.5);
    SampleExplanations.insert(
        CLICKHOUSE,
        recent,
        "r-2",
        1,
        "u-8",
        "promo_feb",
        now.minusSeconds(1800),
        now.plusSeconds(3600),
        1300,
        0.5);
    SampleExplanations.insertOutcome(
        CLICKHOUSE, recent, "r-1", 1, "braze", "accepted", 201, now.minusSeconds(60), now);
    SampleExplanations.insertDeadLetter(
        CLICKHOUSE, recent, "dl-1", "timing-job/signals", "malformed_json", now.minusSeconds(30));
    SampleExplanations.insertDeadLetter(
        CLICKHOUSE, recent, "dl-2", "timing-job/signals", "malformed_json", now.minusSeconds(20));

    JsonNode o = svc.client("viewer").get("/overview?hours=6").json();
    assertThat(o.get("decisions"))
        .extracting(
            d ->
                d.get("intent_id").asText()
                    + ":"
                    + d.get("status").asText()
                    + "="
                    + d.get("count").asLong())
        .containsExactly("promo_feb:scheduled=1", "promo_jan:scheduled=1");
    assertThat(o.get("outcomes"))
        .extracting(
            d ->
                d.get("esp").asText()
                    + ":"
                    + d.get("state").asText()
                    + "="
                    + d.get("count").asLong())
        .containsExactly("braze:accepted=1");
    assertThat(o.get("dead_letters"))
        .extracting(
            d ->
                d.get("stage").asText()
                    + ":"
                    + d.get("reason").asText()
                    + "="
                    + d.get("count").asLong())
        .containsExactly("timing-job/signals:malformed_json=2");
    assertThat(svc.admin.get("/overview?hours=0").status()).isEqualTo(400);
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

  /** The local runner's embedded store: H2 over JDBC, the loader's H2 table, ids bound. */
  @Test
  void theLocalRunnersEmbeddedStoreIsReadOverJdbc() throws Exception {
    String url = "jdbc:h2:mem:explanations-local;DB_CLOSE_DELAY=-1";
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.Statement st = c.createStatement()) {
      st.execute(SampleExplanations.H2_DDL);
      st.execute(
          "INSERT INTO timing_explanations (decision_id, explanation_ref, request_id, intent_id,"
              + " universal_id, decision_version, status, created_at_ms, target_minute_utc,"
              + " trigger_timestamp_ms, latency_estimate_seconds, latency_source,"
              + " confidence_score, model_version, context_weights, suppressed, explanation)"
              + " VALUES ('d-9', 'expl:d-9', 'req-9', 'promo_jan', 'u-9', 1, 'scheduled',"
              + " 1764583200000, 1260, 1764622758000, 42.0, 'learned', 0.64, 'curve-v3', '[]', 0,"
              + " '{\"chosen\":{\"minute_of_week\":1260,\"score\":2.4}}')");
      try (TestService local =
          TestService.onH2("explanations-h2", null, null, ExplanationsReader.ofJdbc(url))) {
        JsonNode items = local.admin.get("/decisions?universal_id=u-9").json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("target_minute_utc").asInt()).isEqualTo(1260);
        assertThat(items.get(0).get("trigger_timestamp_utc").asText())
            .isEqualTo(Instant.ofEpochMilli(1764622758000L).toString());
        JsonNode d = local.admin.get("/decisions/d-9").json();
        assertThat(d.get("explanation").get("chosen").get("minute_of_week").asInt())
            .isEqualTo(1260);
        assertThat(d.get("dispatch").isNull()).as("a store without a dispatch log").isTrue();
        JsonNode overview = local.admin.get("/overview").json();
        assertThat(overview.get("decisions")).isEmpty(); // d-9 was decided long ago
        assertThat(overview.get("outcomes").isNull()).isTrue();
        assertThat(
                local.admin.get("/decisions?universal_id=u-9'%20OR%20'1'='1").json().get("items"))
            .isEmpty();
      }
    }
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
