package com.sendflowr.explanations;

import com.sendflowr.contract.Topics;
import com.sendflowr.flink.Backoff;
import com.sendflowr.flink.JobArgs;
import java.time.Duration;

/**
 * Everything the explanation loader is configured with, read once from flags and environment.
 *
 * @param outcomesTopic the dispatch outcomes to load into {@code dispatch_log}, or null not to
 * @param loadDeadLetters whether to load the dead-letter topic into {@code dead_letters}
 * @param groupId Kafka consumer group; offsets are committed on checkpoints
 * @param checkpointInterval also bounds how long a dead-lettered row waits to be committed
 */
public record LoaderOptions(
    String kafkaBootstrap,
    String explanationsTopic,
    String outcomesTopic,
    String deadLettersTopic,
    boolean loadDeadLetters,
    String groupId,
    Duration checkpointInterval,
    StoreOptions store) {

  public static final String DEFAULT_GROUP_ID = "sendflowr-explanation-loader";

  /**
   * Flags ({@code --name value}, or env {@code SENDFLOWR_NAME}): {@code kafka-bootstrap}
   * (required), {@code explanations-jdbc-url} (required, ClickHouse or H2), {@code
   * explanations-jdbc-user}, {@code explanations-topic}, {@code outcomes-topic} ({@code
   * sendflowr.dispatch-outcomes}; {@code none} to load explanations only), {@code
   * dead-letters-topic}, {@code load-dead-letters} (true: into {@code dead_letters}), {@code
   * group-id}, {@code checkpoint-interval} (10s), {@code batch-size} (1000), {@code flush-interval}
   * (500ms), {@code retry-backoff} (200ms), {@code retry-backoff-max} (10s). The store's password
   * is a secret: only the environment variable {@code SENDFLOWR_EXPLANATIONS_JDBC_PASSWORD} or a
   * file named by {@code --explanations-jdbc-password-file} (see {@link JobArgs#secret}).
   */
  public static LoaderOptions from(JobArgs args) {
    StoreOptions defaults =
        StoreOptions.of(args.require("explanations-jdbc-url"), null, null); // validates the URL
    String batchSize = args.get("batch-size", String.valueOf(defaults.batchSize()));
    int batch;
    try {
      batch = Integer.parseInt(batchSize.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--batch-size must be a number but was '" + batchSize + "'");
    }
    StoreOptions store =
        new StoreOptions(
            defaults.jdbcUrl(),
            args.get("explanations-jdbc-user", null),
            args.secret("explanations-jdbc-password"),
            batch,
            args.duration("flush-interval", defaults.flushInterval()),
            new Backoff(
                args.duration("retry-backoff", defaults.backoff().base()),
                args.duration("retry-backoff-max", defaults.backoff().max())));
    return new LoaderOptions(
        args.require("kafka-bootstrap"),
        args.get("explanations-topic", Topics.EXPLANATIONS),
        outcomesTopic(args.get("outcomes-topic", Topics.DISPATCH_OUTCOMES)),
        args.get("dead-letters-topic", Topics.DEAD_LETTERS),
        flag(args.get("load-dead-letters", "true")),
        args.get("group-id", DEFAULT_GROUP_ID),
        args.duration("checkpoint-interval", Duration.ofSeconds(10)),
        store);
  }

  private static String outcomesTopic(String flag) {
    return flag == null || flag.isBlank() || flag.equals("none") ? null : flag;
  }

  private static boolean flag(String v) {
    return switch (v.trim()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "--load-dead-letters must be true or false but was '" + v + "'");
    };
  }
}
