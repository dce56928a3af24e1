package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.configservice.Entities.Intent;
import com.sendflowr.configservice.Entities.Principal;
import com.sendflowr.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one set of migrations applies on PostgreSQL and on H2, and applying it twice is a no-op. */
class MigrationsTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @Test
  void migrationsApplyOnPostgres() throws Exception {
    String url = POSTGRES.freshDatabase();
    check(url, POSTGRES.user(), POSTGRES.password());
  }

  @Test
  void migrationsApplyOnH2() throws Exception {
    check("jdbc:h2:mem:migrations;DB_CLOSE_DELAY=-1", null, null);
  }

  private static void check(String url, String user, String password) throws Exception {
    try (Database db = Database.open(url, user, password)) {
      ConfigStore store = new ConfigStore(db, TestService.CIPHER, Clock.systemUTC(), () -> {});
      Principal who = new Principal("t", "migration-test", Role.ADMIN);
      store.putIntent(
          who,
          ConfigStore.Mode.CREATE,
          "promo_jan",
          null,
          new Intent(null, "Promo", null, null, null, null, null, null, null, null, null, null));
      assertThat(store.status().configVersion()).isEqualTo(1);
      assertThat(store.status().outboxPosition()).isEqualTo(1);
      List<String> versions = new ArrayList<>();
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                      + " ORDER BY installed_rank")) {
        while (rs.next()) {
          versions.add(rs.getString(1));
        }
      }
      assertThat(versions).containsExactly("1", "2", "3", "4");
    }
    // Opening again finds nothing to migrate and keeps the data.
    try (Database db = Database.open(url, user, password)) {
      ConfigStore store = new ConfigStore(db, TestService.CIPHER, Clock.systemUTC(), () -> {});
      assertThat(store.intents()).extracting(Intent::intentId).containsExactly("promo_jan");
    }
  }
}
