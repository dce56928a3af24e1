package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.testkit.BrowserScripts;
import com.sendflowr.testkit.ClickHouseExtension;
import com.sendflowr.testkit.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator UI end to end: the service on PostgreSQL serves the UI built into its classes, and
 * {@code ui/e2e/operator-ui.test.mjs} drives it in a real headless Chromium with playwright-core
 * (sign in, an account with a masked credential, intent promo_jan, site_visit dragged onto it as a
 * hot path, a Klaviyo binding with campaign abc123 and template promo-drip, field errors, a version
 * conflict, markup as text, audit, export/import, the decision explorer on explanations stored in
 * ClickHouse, a read-only viewer). This test then reads the result back through the API itself.
 *
 * <p>The browser is Debian's {@code chromium}, which {@code scripts/chromium.sh} installs (the test
 * script runs it before Maven); {@code SENDFLOWR_CHROMIUM} names another binary. Screenshots go to
 * {@code target/ui-screenshots} (the README's come from there).
 */
class OperatorUiBrowserTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final ClickHouseExtension CLICKHOUSE = new ClickHouseExtension();

  static final Path UI_DIR = Path.of("ui").toAbsolutePath();

  @Test
  void anOperatorMapsAndBindsPromoJanInTheBrowser() throws Exception {
    BrowserScripts.chromium(); // fails early, with how to get one
    assertThat(OperatorUi.class.getResource("/ui/index.html"))
        .as("the UI built into the classes (not with -Dui.skip)")
        .isNotNull();

    // Two decisions of recipient u-1 as the explanation loader stores them, d-1 re-decided once.
    String db = SampleExplanations.createTable(CLICKHOUSE);
    Instant t0 = Instant.parse("2026-11-30T08:00:00Z");
    SampleExplanations.insert(
        CLICKHOUSE, db, "d-1", 1, "u-1", "promo_jan", t0, t0.plusSeconds(3600), 1200, 0.5);
    SampleExplanations.insert(
        CLICKHOUSE,
        db,
        "d-1",
        2,
        "u-1",
        "promo_jan",
        t0.plusSeconds(60),
        Instant.parse("2026-11-30T21:00:00Z"),
        1260,
        0.64);
    SampleExplanations.insert(
        CLICKHOUSE,
        db,
        "d-2",
        1,
        "u-1",
        "promo_jan",
        t0.plusSeconds(600),
        Instant.parse("2026-12-01T09:00:00Z"),
        1980,
        0.3);
    // d-1's request was fired at Braze, accepted.
    Instant trigger = Instant.parse("2026-11-30T21:00:00Z").minusSeconds(42);
    SampleExplanations.insertOutcome(
        CLICKHOUSE, db, "d-1", 2, "braze", "accepted", 201, trigger, trigger.plusMillis(300));
    // The last hours, for the overview: a decision, its send, two dead letters.
    Instant now = Instant.now();
    SampleExplanations.insert(
        CLICKHOUSE,
        db,
        "d-now",
        1,
        "u-5",
        "promo_jan",
        now.minusSeconds(600),
        now.plusSeconds(3600),
        1500,
        0.7);
    SampleExplanations.insertOutcome(
        CLICKHOUSE, db, "d-now", 1, "klaviyo", "accepted", 202, now.minusSeconds(300), now);
    SampleExplanations.insertDeadLetter(
        CLICKHOUSE, db, "dl-1", "timing-job/signals", "malformed_json", now.minusSeconds(60));
    SampleExplanations.insertDeadLetter(
        CLICKHOUSE, db, "dl-2", "timing-job/signals", "malformed_json", now.minusSeconds(30));

    try (TestService svc =
        TestService.onPostgres(
            POSTGRES, null, null, new ExplanationsReader(CLICKHOUSE.httpUrl(), db))) {
      String viewerToken =
          svc.admin
              .post("/tokens", "{\"name\":\"viewer-ui\",\"role\":\"viewer\"}")
              .json()
              .get("token")
              .asText();
      String base = "http://127.0.0.1:" + svc.service.port();
      BrowserScripts.run(
          UI_DIR,
          "e2e/operator-ui.test.mjs",
          Map.of(
              "SENDFLOWR_UI_URL", base + "/ui/",
              "SENDFLOWR_API_URL", svc.service.apiUrl("127.0.0.1"),
              "SENDFLOWR_ADMIN_TOKEN", svc.service.bootstrapAdminToken().get(),
              "SENDFLOWR_VIEWER_TOKEN", viewerToken,
              "SENDFLOWR_SCREENSHOT_DIR",
                  Path.of("target", "ui-screenshots").toAbsolutePath().toString()),
          Path.of("target", "ui-e2e.log"),
          Duration.ofMinutes(5));

      // What the browser created is what the API (and so the jobs) see.
      JsonNode mapping = svc.admin.get("/signal-mappings/site_visit.promo_jan").json();
      assertThat(mapping.get("role").asText()).isEqualTo("hot_path");
      assertThat(mapping.get("intent_id").asText()).isEqualTo("promo_jan");
      JsonNode binding = svc.admin.get("/bindings?intent_id=promo_jan").json().get("items").get(0);
      assertThat(binding.get("campaign_id").asText()).isEqualTo("abc123");
      assertThat(binding.get("template_id").asText()).isEqualTo("promo-drip");
      assertThat(binding.get("active").asBoolean()).isTrue();
      assertThat(svc.admin.get("/intents/viewer_made").status()).isEqualTo(404);
    }
  }
}
