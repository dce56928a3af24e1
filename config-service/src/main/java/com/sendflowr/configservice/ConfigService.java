package com.sendflowr.configservice;

import io.javalin.Javalin;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: database (migrated on start), outbox relay (when Kafka is configured) and
 * HTTP API. Closing it stops all three.
 */
public final class ConfigService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigService.class);

  /**
   * @param kafkaBootstrap null runs without publishing: changes wait in the outbox until a service
   *     with Kafka configured publishes them
   * @param credentialsFile null, or a file kept in sync with the accounts' credentials ({@code
   *     account_id=key}, owner-only) for a dispatch job on the same machine ({@code
   *     --credentials-file}); production puts the keys into the dispatch job's secret instead
   */
  public record Options(
      String jdbcUrl,
      String dbUser,
      String dbPassword,
      String host,
      int port,
      CredentialCipher cipher,
      String kafkaBootstrap,
      String topic,
      java.nio.file.Path credentialsFile) {}

  private final Database db;
  private final OutboxRelay relay;
  private final ConfigStore store;
  private final Javalin http;
  private final Optional<String> bootstrapAdminToken;

  private ConfigService(
      Database db, OutboxRelay relay, ConfigStore store, Javalin http, Optional<String> token) {
    this.db = db;
    this.relay = relay;
    this.store = store;
    this.http = http;
    this.bootstrapAdminToken = token;
  }

  public static ConfigService start(Options o) {
    return start(o, null);
  }

  /**
   * @param explanations where the decision explorer reads the timing job's explanations; null
   *     leaves it unavailable
   */
  public static ConfigService start(Options o, ExplanationsReader explanations) {
    Database db = Database.open(o.jdbcUrl(), o.dbUser(), o.dbPassword());
    OutboxRelay relay = null;
    Javalin http = null;
    try {
      if (o.kafkaBootstrap() != null) {
        relay =
            new OutboxRelay(db, OutboxRelay.Options.defaults(o.kafkaBootstrap(), o.topic()))
                .start();
      } else {
        LOG.warn("no Kafka bootstrap configured: config changes stay in the outbox");
      }
      OutboxRelay wake = relay;
      CredentialsFile file =
          o.credentialsFile() == null ? null : new CredentialsFile(o.credentialsFile());
      ConfigStore[] self = new ConfigStore[1];
      ConfigStore store =
          new ConfigStore(
              db,
              o.cipher(),
              Clock.systemUTC(),
              () -> {
                if (wake != null) {
                  wake.wakeUp();
                }
                if (file != null) {
                  try {
                    file.write(self[0].decryptedCredentials());
                  } catch (RuntimeException e) {
                    // The change is committed; the file catches up with the next one.
                    LOG.error("could not update the credentials file: {}", e.getMessage());
                  }
                }
              });
      self[0] = store;
      if (file != null) {
        file.write(store.decryptedCredentials());
      }
      Optional<String> token = store.bootstrapAdminToken();
      http = new ConfigApi(store, explanations).start(o.host(), o.port());
      return new ConfigService(db, relay, store, http, token);
    } catch (RuntimeException e) {
      if (http != null) {
        http.stop();
      }
      if (relay != null) {
        try {
          relay.close();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      db.close();
      throw e;
    }
  }

  public int port() {
    return http.port();
  }

  /** The API's base URL, e.g. {@code http://127.0.0.1:8090/api/v1}. */
  public String apiUrl(String host) {
    return "http://" + host + ":" + port() + ConfigApi.BASE;
  }

  /**
   * The operator UI's URL, e.g. {@code http://127.0.0.1:8090/ui/}; empty when this build has no UI
   * ({@code -Dui.skip}).
   */
  public Optional<String> uiUrl(String host) {
    return OperatorUi.isBuilt()
        ? Optional.of("http://" + host + ":" + port() + OperatorUi.PATH + "/")
        : Optional.empty();
  }

  /** The admin token created on this start (a fresh database), to be shown once. */
  public Optional<String> bootstrapAdminToken() {
    return bootstrapAdminToken;
  }

  public ConfigStore store() {
    return store;
  }

  @Override
  public void close() throws InterruptedException {
    http.stop();
    if (relay != null) {
      relay.close();
    }
    db.close();
  }
}
