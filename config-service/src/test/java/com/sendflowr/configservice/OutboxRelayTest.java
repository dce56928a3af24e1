package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.IntentSettings;
import com.sendflowr.config.SignalMapping;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.Topics;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox reaches the config topic once per change, in commit order, across a Kafka outage. */
class OutboxRelayTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void publishedRowsArePrunedAfterTheirRetentionAndUnpublishedOnesNever() throws Exception {
    String topic = KAFKA.uniqueTopic(Topics.CONNECTOR_CONFIG);
    KAFKA.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
    // No Kafka for the service itself: its changes stay in the outbox until our relay runs.
    try (TestService svc = TestService.onPostgres(POSTGRES, null, null)) {
      ApiClient api = svc.admin;
      for (String id : List.of("p1", "p2", "p3")) {
        assertThat(api.post("/intents", intent(id, "Promo " + id)).status()).isEqualTo(201);
      }
      Database db = Database.open(svc.jdbcUrl, POSTGRES.user(), POSTGRES.password());
      assertThat(outboxRows(db)).isEqualTo(3);

      OutboxRelay relay =
          new OutboxRelay(
                  db,
                  OutboxRelay.Options.defaults(KAFKA.bootstrapServers(), topic)
                      .withRetention(Duration.ZERO))
              .start();
      try {
        assertThat(KAFKA.consumeAtLeast(topic, 3, Duration.ofSeconds(60))).hasSize(3);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (outboxRows(db) > 0 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(outboxRows(db)).as("published and past retention: pruned").isZero();
        assertThat(api.get("/status").json().get("published_position").asLong()).isEqualTo(3);
      } finally {
        relay.close();
      }
      // A change after the prune is published after the pruned positions, not instead of them.
      assertThat(api.post("/intents", intent("p4", "Promo p4")).status()).isEqualTo(201);
      assertThat(outboxRows(db)).isEqualTo(1);
      relay =
          new OutboxRelay(db, OutboxRelay.Options.defaults(KAFKA.bootstrapServers(), topic))
              .start();
      try {
        List<ConsumerRecord<String, String>> all =
            KAFKA.consumeAtLeast(topic, 4, Duration.ofSeconds(60));
        assertThat(all).hasSize(4);
        assertThat(all.get(3).key()).isEqualTo("intent:p4");
      } finally {
        relay.close();
      }
    }
  }

  private static long outboxRows(Database db) {
    return db.read(
        c -> {
          try (var ps = c.prepareStatement("SELECT COUNT(*) FROM outbox");
              var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Test
  void changesMadeWhileKafkaIsDownArePublishedOnceEachInOrder() throws Exception {
    String topic = KAFKA.uniqueTopic(Topics.CONNECTOR_CONFIG);
    KAFKA.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
    try (TestService svc = TestService.onPostgres(POSTGRES, KAFKA.bootstrapServers(), topic)) {
      ApiClient api = svc.admin;
      // One change while Kafka is up: the relay is connected when the outage starts.
      assertThat(api.post("/intents", intent("warmup", "Warm-up")).status()).isEqualTo(201);
      assertThat(KAFKA.consumeAtLeast(topic, 1, Duration.ofSeconds(60))).hasSize(1);

      KAFKA.stopBroker();
      assertThat(api.post("/intents", intent("promo_jan", "Promo January")).status())
          .isEqualTo(201);
      assertThat(api.post("/intents", intent("promo_feb", "Promo February")).status())
          .isEqualTo(201);
      String etag = api.get("/intents/promo_jan").etag();
      assertThat(
              api.put("/intents/promo_jan", intent("promo_jan", "Promo Jan (v2)"), etag).status())
          .isEqualTo(200);
      assertThat(
              api.post(
                      "/signal-mappings",
                      """
                      {"mapping_id":"site_visit.promo_jan","signal_type":"site_visit",
                       "source":"shopify","intent_id":"promo_jan","role":"hot_path"}""")
                  .status())
          .isEqualTo(201);
      assertThat(api.delete("/intents/promo_feb", api.get("/intents/promo_feb").etag()).status())
          .isEqualTo(204);
      JsonNode status = api.get("/status").json();
      assertThat(status.get("outbox_position").asLong()).isEqualTo(6);
      assertThat(status.get("published_position").asLong()).isEqualTo(1);

      // Let the relay fail and back off a few times against the stopped broker.
      Thread.sleep(3_000);
      KAFKA.restartBroker();

      List<ConsumerRecord<String, String>> records =
          KAFKA.consumeAtLeast(topic, 6, Duration.ofSeconds(90));
      // Nothing more arrives later: each change was published exactly once.
      records = KAFKA.consumeAll(topic, Duration.ofSeconds(3));
      assertThat(records)
          .extracting(ConsumerRecord::key)
          .containsExactly(
              "intent:warmup",
              "intent:promo_jan",
              "intent:promo_feb",
              "intent:promo_jan",
              "signal_mapping:site_visit.promo_jan",
              "intent:promo_feb");
      assertThat(records)
          .extracting(
              r ->
                  new String(
                      r.headers().lastHeader(OutboxRelay.POSITION_HEADER).value(),
                      StandardCharsets.UTF_8))
          .containsExactly("1", "2", "3", "4", "5", "6");

      List<ConfigChange> changes = records.stream().map(r -> jobsParse(r.value())).toList();
      assertThat(changes).extracting(ConfigChange::version).isSorted().doesNotHaveDuplicates();
      assertThat(changes.get(3).snapshot()).containsEntry("name", "Promo Jan (v2)");
      assertThat(changes.get(4).snapshot())
          .containsEntry("role", "hot_path")
          .containsEntry("source", "shopify");
      assertThat(changes.get(5).tombstone()).isTrue();

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (api.get("/status").json().get("published_position").asLong() < 6
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(api.get("/status").json().get("published_position").asLong()).isEqualTo(6);
    }
  }

  @Test
  void aRestartedServiceResumesAfterWhatWasPublished() throws Exception {
    String topic = KAFKA.uniqueTopic(Topics.CONNECTOR_CONFIG);
    KAFKA.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
    String url = POSTGRES.freshDatabase();
    ConfigService.Options options =
        new ConfigService.Options(
            url,
            POSTGRES.user(),
            POSTGRES.password(),
            "127.0.0.1",
            0,
            TestService.CIPHER,
            KAFKA.bootstrapServers(),
            topic,
            null);
    String token;
    try (ConfigService first = ConfigService.start(options)) {
      token = first.bootstrapAdminToken().orElseThrow();
      ApiClient api = new ApiClient(first.apiUrl("127.0.0.1"), token);
      api.post("/intents", intent("a", "A"));
      api.post("/intents", intent("b", "B"));
      KAFKA.consumeAtLeast(topic, 2, Duration.ofSeconds(60));
    }
    try (ConfigService second = ConfigService.start(options)) {
      assertThat(second.bootstrapAdminToken()).isEmpty();
      ApiClient api = new ApiClient(second.apiUrl("127.0.0.1"), token);
      api.post("/intents", intent("c", "C"));
      KAFKA.consumeAtLeast(topic, 3, Duration.ofSeconds(60));
      assertThat(KAFKA.consumeAll(topic, Duration.ofSeconds(2)))
          .extracting(ConsumerRecord::key)
          .containsExactly("intent:a", "intent:b", "intent:c");
    }
  }

  /**
   * What the jobs' config parser (ConnectorConfig.parse, which needs Flink on the classpath) does:
   * the contract's strict parser, then the entity's own reader.
   */
  static ConfigChange jobsParse(String json) {
    Parsed<ConfigChange> parsed = Contracts.parseConfigChange(json);
    assertThat(parsed.isOk()).as(json).isTrue();
    ConfigChange c = ((Parsed.Ok<ConfigChange>) parsed).value();
    if (!c.tombstone()) {
      switch (c.entityType()) {
        case "intent" -> IntentSettings.fromChange(c);
        case "signal_mapping" -> SignalMapping.fromChange(c);
        case "intent_binding" -> IntentBinding.fromChange(c);
        default -> throw new AssertionError("unexpected entity type " + c.entityType());
      }
    }
    return c;
  }

  static String intent(String id, String name) {
    return Contracts.toJson(Map.of("intent_id", id, "name", name));
  }
}
