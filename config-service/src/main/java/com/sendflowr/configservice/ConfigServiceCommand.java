package com.sendflowr.configservice;

import com.sendflowr.contract.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/sendflowr config-service}: the connector config service. Without a JDBC URL it runs on
 * an embedded H2 database in {@code --data-dir}, with a generated encryption key next to it, and
 * prints an admin token the first time. Every option can also come from the environment variable
 * named in its description.
 */
@Command(
    name = "config-service",
    mixinStandardHelpOptions = true,
    description = "The connector config service: REST API, database and config-topic publisher.",
    subcommands = {ConfigServiceCommand.ExportCredentials.class})
public final class ConfigServiceCommand implements Callable<Integer> {

  /** Database and key options, shared with the subcommands. */
  static final class Storage {
    @Option(
        names = "--jdbc-url",
        defaultValue = "${env:SENDFLOWR_CONFIG_JDBC_URL}",
        description =
            "jdbc:postgresql://... in production (env SENDFLOWR_CONFIG_JDBC_URL); default: H2 in"
                + " --data-dir")
    String jdbcUrl;

    @Option(
        names = "--db-user",
        defaultValue = "${env:SENDFLOWR_CONFIG_DB_USER}",
        description = "env SENDFLOWR_CONFIG_DB_USER")
    String dbUser;

    @Option(
        names = "--db-password-env",
        defaultValue = "SENDFLOWR_CONFIG_DB_PASSWORD",
        description =
            "name of the environment variable holding the database password (default:"
                + " ${DEFAULT-VALUE}); never passed on the command line")
    String dbPasswordEnv;

    @Option(
        names = "--encryption-key-file",
        defaultValue = "${env:SENDFLOWR_CONFIG_ENCRYPTION_KEY_FILE}",
        description =
            "file holding the base64 of a 32-byte AES key (a mounted secret; env"
                + " SENDFLOWR_CONFIG_ENCRYPTION_KEY_FILE), or set SENDFLOWR_CONFIG_ENCRYPTION_KEY;"
                + " with the embedded database a key is generated in --data-dir")
    Path keyFile;

    @Option(
        names = "--data-dir",
        defaultValue = ".sendflowr/config-service",
        description = "where the embedded database and its key live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(
        names = "--in-memory",
        description = "a throwaway in-memory database instead of --data-dir")
    boolean inMemory;

    String effectiveJdbcUrl() {
      if (jdbcUrl != null && !jdbcUrl.isBlank()) {
        return jdbcUrl;
      }
      if (inMemory) {
        return "jdbc:h2:mem:sendflowr-config;DB_CLOSE_DELAY=-1";
      }
      return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("config");
    }

    boolean embedded() {
      return effectiveJdbcUrl().startsWith("jdbc:h2:");
    }

    CredentialCipher cipher() throws IOException {
      if (keyFile != null) {
        return CredentialCipher.fromFile(keyFile);
      }
      String env = System.getenv(CredentialCipher.KEY_VARIABLE);
      if (env != null && !env.isBlank()) {
        return CredentialCipher.ofBase64(env);
      }
      if (embedded()) {
        return CredentialCipher.localKey(dataDir.resolve("credential.key"));
      }
      throw new CommandLine.ParameterException(
          new CommandLine(new ConfigServiceCommand()),
          "a credential encryption key is required with an external database: --encryption-key-file"
              + " or "
              + CredentialCipher.KEY_VARIABLE);
    }

    String dbPassword() {
      return System.getenv(dbPasswordEnv);
    }
  }

  @CommandLine.Mixin Storage storage = new Storage();

  @Option(
      names = "--port",
      defaultValue = "8090",
      description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--kafka-bootstrap",
      defaultValue = "${env:SENDFLOWR_KAFKA_BOOTSTRAP}",
      description =
          "publish to this Kafka (env SENDFLOWR_KAFKA_BOOTSTRAP); without it, changes wait in the outbox")
  String kafkaBootstrap;

  @Option(
      names = "--connector-config-topic",
      defaultValue = Topics.CONNECTOR_CONFIG,
      description = "the compacted topic the jobs read (default: ${DEFAULT-VALUE})")
  String topic;

  @Option(
      names = "--credentials-file",
      description =
          "keep this file (account_id=key, owner-only) in sync with the ESP credentials, for a"
              + " dispatch job on the same machine (its --credentials-file)")
  Path credentialsFile;

  @Option(
      names = "--explanations-url",
      defaultValue = "${env:SENDFLOWR_EXPLANATIONS_URL}",
      description =
          "ClickHouse's HTTP interface holding timing_explanations, e.g. http://clickhouse:8123, for"
              + " the UI's decision explorer (env SENDFLOWR_EXPLANATIONS_URL); without it the"
              + " explorer is unavailable")
  String explanationsUrl;

  @Option(
      names = "--explanations-database",
      defaultValue = "default",
      description = "the ClickHouse database of timing_explanations (default: ${DEFAULT-VALUE})")
  String explanationsDatabase;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConfigServiceCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ConfigService service =
        ConfigService.start(
            new ConfigService.Options(
                storage.effectiveJdbcUrl(),
                storage.dbUser,
                storage.dbPassword(),
                host,
                port,
                storage.cipher(),
                kafkaBootstrap,
                topic,
                credentialsFile),
            explanationsUrl == null || explanationsUrl.isBlank()
                ? null
                : new ExplanationsReader(explanationsUrl, explanationsDatabase));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  stopped.countDown();
                },
                "config-service-stop"));
    System.out.println("config service API at " + service.apiUrl(host));
    service
        .uiUrl(host)
        .ifPresent(url -> System.out.println("operator UI at " + url + " (sign in with a token)"));
    service
        .bootstrapAdminToken()
        .ifPresent(
            token ->
                System.out.println(
                    "admin token (shown once; keep it): "
                        + token
                        + "\n  e.g. curl -H 'Authorization: Bearer "
                        + token
                        + "' "
                        + service.apiUrl(host)
                        + "/intents"));
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * Writes every ESP account's credential as {@code account_id=key} lines, the format of the
   * dispatch job's {@code --credentials-file}, for an operator to put into the dispatch job's
   * secret. The file is created owner-readable only.
   */
  @Command(
      name = "export-credentials",
      mixinStandardHelpOptions = true,
      description =
          "Write the decrypted ESP credentials as a credentials file for the dispatch job.")
  static final class ExportCredentials implements Callable<Integer> {
    @CommandLine.Mixin Storage storage = new Storage();

    @Option(names = "--out", required = true, description = "the file to create (must not exist)")
    Path out;

    @Override
    public Integer call() throws Exception {
      try (Database db =
          Database.open(storage.effectiveJdbcUrl(), storage.dbUser, storage.dbPassword())) {
        ConfigStore store =
            new ConfigStore(db, storage.cipher(), java.time.Clock.systemUTC(), () -> {});
        Map<String, String> credentials = store.decryptedCredentials();
        if (Files.exists(out)) {
          throw new CommandLine.ParameterException(
              new CommandLine(this), out + " exists: choose a new file");
        }
        new CredentialsFile(out).write(credentials);
        System.out.println("wrote " + credentials.size() + " credentials to " + out);
      }
      return 0;
    }
  }
}
