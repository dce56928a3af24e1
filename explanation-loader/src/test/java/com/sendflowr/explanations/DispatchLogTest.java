package com.sendflowr.explanations;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dispatch log on the local embedded store (H2); on ClickHouse it is checked end to end in the
 * local runner's pipeline test.
 */
class DispatchLogTest {
  static final Instant TRIGGER = Instant.parse("2026-01-05T09:39:58.500Z");

  static DispatchOutcome outcome(String id, OutcomeState state, Integer status, Instant firedAt) {
    return new DispatchOutcome(
        id,
        "dec-1",
        2,
        "req-1",
        "promo_jan",
        "u-1",
        firedAt == null ? null : "promo_jan@klaviyo",
        firedAt == null ? null : "key-1",
        firedAt == null ? null : "klaviyo",
        "abc123",
        null,
        null,
        status == null ? 0 : 1,
        status,
        null,
        TRIGGER,
        firedAt,
        firedAt == null ? 0 : firedAt.toEpochMilli() - TRIGGER.toEpochMilli(),
        state,
        "detail with 'quotes'");
  }

  static void insert(Connection c, String url, DispatchOutcome o) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(DispatchLog.DEFINITION.insertSql(url))) {
      DispatchLog.bind(ps, o);
      ps.executeUpdate();
    }
  }

  @Test
  void outcomesAreStoredOnceEachWithAndWithoutAnEspCall() throws Exception {
    String url = "jdbc:h2:mem:dispatch-log-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    DispatchOutcome accepted =
        outcome("out-1", OutcomeState.ACCEPTED, 202, TRIGGER.plusMillis(150));
    DispatchOutcome unroutable = outcome("out-2", OutcomeState.UNROUTABLE, null, null);
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement st = c.createStatement()) {
        st.execute(DispatchLog.DEFINITION.ddlFor(url));
      }
      insert(c, url, accepted);
      insert(c, url, accepted); // a JdbcSink retry after a failure
      insert(c, url, unroutable);

      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT outcome_id, state, esp, esp_status, fired_at_ms, lateness_millis, detail"
                      + " FROM dispatch_log ORDER BY outcome_id")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("outcome_id")).isEqualTo("out-1");
        assertThat(rs.getString("state")).isEqualTo("accepted");
        assertThat(rs.getString("esp")).isEqualTo("klaviyo");
        assertThat(rs.getInt("esp_status")).isEqualTo(202);
        assertThat(rs.getLong("fired_at_ms")).isEqualTo(TRIGGER.toEpochMilli() + 150);
        assertThat(rs.getLong("lateness_millis")).isEqualTo(150);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("state")).isEqualTo("unroutable");
        assertThat(rs.getObject("esp_status")).isNull();
        assertThat(rs.getLong("fired_at_ms"))
            .as("never fired: the trigger")
            .isEqualTo(TRIGGER.toEpochMilli());
        assertThat(rs.getString("detail")).isEqualTo("detail with 'quotes'");
        assertThat(rs.next()).isFalse();
      }
    }
    assertThat(DispatchLog.DEFINITION.insertSql("jdbc:h2:mem:x")).contains("KEY (outcome_id)");
    assertThat(DispatchLog.DEFINITION.insertSql("jdbc:clickhouse://h:8123/db"))
        .startsWith("INSERT INTO dispatch_log");
  }
}
