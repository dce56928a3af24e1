package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A private server, whatever the environment names, that a test may stop and start again. */
class ClickHousePrivateServerTest {
  @RegisterExtension static final ClickHouseExtension SHARED = new ClickHouseExtension();

  @RegisterExtension static final ClickHouseExtension PRIVATE = ClickHouseExtension.privateServer();

  @Test
  void aPrivateServerStopsAndComesBackWithItsData() {
    assertThat(PRIVATE.isPrivate()).isTrue();
    assertThat(PRIVATE.httpUrl()).isNotEqualTo(SHARED.httpUrl());
    String db = PRIVATE.freshDatabase();
    PRIVATE.execute(db, "CREATE TABLE t (id String) ENGINE = MergeTree ORDER BY id");
    PRIVATE.execute(db, "INSERT INTO t VALUES ('a'), ('b')");

    PRIVATE.stopServerKeepingData();
    assertThatThrownBy(() -> PRIVATE.query("SELECT 1")).hasMessageContaining("Cannot reach");
    assertThat(SHARED.queryLong("SELECT 1")).as("the shared server is untouched").isEqualTo(1);

    PRIVATE.restartServer();
    assertThat(PRIVATE.queryLong("SELECT count() FROM " + db + ".t")).isEqualTo(2);
  }

  @Test
  void aSharedServerIsNeverStopped() {
    if (SHARED.isPrivate()) {
      return; // no shared server configured: nothing to protect
    }
    assertThatThrownBy(SHARED::stopServerKeepingData).isInstanceOf(IllegalStateException.class);
  }
}
