package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionTest {

  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @Test
  void createsInsertsAndSelectsInAFreshDatabase() throws Exception {
    String url = POSTGRES.freshDatabase();
    assertThat(url).startsWith("jdbc:postgresql://127.0.0.1:").contains("/t_");

    try (Connection c = POSTGRES.connect(url)) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE intents (id TEXT PRIMARY KEY, version INT NOT NULL,"
                + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO intents (id, version) VALUES (?, ?)"
                  + " ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version")) {
        for (String id : List.of("promo_jan", "winback", "promo_jan")) {
          insert.setString(1, id);
          insert.setInt(2, id.length());
          insert.executeUpdate();
        }
      }
      List<String> ids = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id FROM intents ORDER BY id")) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      assertThat(ids).containsExactly("promo_jan", "winback");
    }
  }

  @Test
  void freshDatabasesAreEmptyAndDistinct() throws Exception {
    String first = POSTGRES.freshDatabase();
    String second = POSTGRES.freshDatabase();
    assertThat(first).isNotEqualTo(second);
    try (Connection c = POSTGRES.connect(second);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void urlHelperKeepsParameters() {
    assertThat(
            PostgresExtension.withDatabase(
                "jdbc:postgresql://127.0.0.1:15432/postgres?ssl=false", "t_x"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:15432/t_x?ssl=false");
    assertThat(PostgresExtension.withDatabase("jdbc:postgresql://h:1/", "t_x"))
        .isEqualTo("jdbc:postgresql://h:1/t_x");
  }
}
