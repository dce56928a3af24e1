package com.sendflowr.configservice;

import com.sendflowr.testkit.PostgresExtension;
import java.util.Base64;

/** Starts the service for a test on its own database, with a fixed test key. */
final class TestService implements AutoCloseable {
  /** A test key: the bytes 0..31. */
  static final CredentialCipher CIPHER = CredentialCipher.ofBase64(testKey());

  static String testKey() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) i;
    }
    return Base64.getEncoder().encodeToString(key);
  }

  final ConfigService service;
  final ApiClient admin;
  final String jdbcUrl;

  private TestService(ConfigService service, String jdbcUrl) {
    this.service = service;
    this.jdbcUrl = jdbcUrl;
    this.admin =
        new ApiClient(service.apiUrl("127.0.0.1"), service.bootstrapAdminToken().orElseThrow());
  }

  /** On a fresh PostgreSQL database; {@code kafkaBootstrap} may be null. */
  static TestService onPostgres(PostgresExtension pg, String kafkaBootstrap, String topic) {
    return onPostgres(pg, kafkaBootstrap, topic, null);
  }

  /** As {@link #onPostgres}, with a decision explorer reading {@code explanations}. */
  static TestService onPostgres(
      PostgresExtension pg, String kafkaBootstrap, String topic, ExplanationsReader explanations) {
    String url = pg.freshDatabase();
    return new TestService(
        ConfigService.start(
            new ConfigService.Options(
                url, pg.user(), pg.password(), "127.0.0.1", 0, CIPHER, kafkaBootstrap, topic, null),
            explanations),
        url);
  }

  /** On an in-memory H2 database of its own, the local default. */
  static TestService onH2(String name, String kafkaBootstrap, String topic) {
    return onH2(name, kafkaBootstrap, topic, null);
  }

  /** As {@link #onH2(String, String, String)}, with a decision explorer reading {@code reader}. */
  static TestService onH2(
      String name, String kafkaBootstrap, String topic, ExplanationsReader explanations) {
    String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
    return new TestService(
        ConfigService.start(
            new ConfigService.Options(
                url, null, null, "127.0.0.1", 0, CIPHER, kafkaBootstrap, topic, null),
            explanations),
        url);
  }

  /** A new token of {@code role}. */
  ApiClient client(String role) {
    ApiClient.Response r =
        admin.post("/tokens", "{\"name\":\"" + role + "-user\",\"role\":\"" + role + "\"}");
    if (r.status() != 201) {
      throw new AssertionError("token creation failed: " + r);
    }
    return admin.as(r.json().get("token").asText());
  }

  @Override
  public void close() throws InterruptedException {
    service.close();
  }
}
