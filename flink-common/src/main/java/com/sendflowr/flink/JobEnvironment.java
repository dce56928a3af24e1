package com.sendflowr.flink;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Settings every SendFlowr job runs with, wherever it runs. What exactly-once depends on is set
 * here, in code, and not left to the cluster's config.yaml: a job submitted to a cluster with
 * Flink's defaults (10 minute checkpoint timeout, no failure budget) would otherwise commit Kafka
 * transactions the broker has already aborted. The cluster's config.yaml repeats these values for
 * jobs that are not ours; its test checks that both agree.
 */
public final class JobEnvironment {
  private JobEnvironment() {}

  /**
   * How checkpoints run, and therefore how long a Kafka transaction stays open. The exactly-once
   * sinks open a transaction when a checkpoint barrier passes and commit it when the next
   * checkpoint completes. A failed (tolerated) checkpoint leaves it open until the next one
   * succeeds, and a failure between completion and commit leaves it open until the restarted job
   * commits it. All of that must fit inside {@link KafkaIO#TRANSACTION_TIMEOUT}, or the broker
   * aborts a transaction whose checkpoint Flink considers complete, and its records are lost.
   *
   * @param interval time between checkpoint triggers
   * @param timeout a checkpoint that takes longer is declared failed
   * @param minPause at least this long between one checkpoint's end and the next one's start, so a
   *     slow checkpoint does not starve processing
   * @param tolerableFailures consecutive failed checkpoints the job rides out before it restarts
   */
  public record CheckpointPolicy(
      Duration interval, Duration timeout, Duration minPause, int tolerableFailures) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    /**
     * Incremental RocksDB checkpoints of the timing job's state take seconds; two minutes leaves a
     * wide margin and still lets three attempts fit inside the transaction timeout.
     */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** A storage hiccup (object store throttling) costs a checkpoint, not a restart. */
    public static final int TOLERABLE_FAILURES = 2;

    /** The longest pause the restart strategy inserts between restarts. */
    public static final Duration RESTART_MAX_BACKOFF = Duration.ofMinutes(1);

    /**
     * From a failure to the restarted job committing its pending transactions: the longest restart
     * backoff plus a minute to reschedule tasks and restore state.
     */
    public static final Duration RESTART_BUDGET = RESTART_MAX_BACKOFF.plusMinutes(1);

    public CheckpointPolicy {
      if (interval.isNegative() || interval.isZero() || minPause.isNegative()) {
        throw new IllegalArgumentException("--checkpoint-interval must be positive");
      }
      // fields are assigned only after this compact constructor: compute from the parameters
      Duration longest = longestTransaction(interval, timeout, minPause, tolerableFailures);
      if (longest.compareTo(KafkaIO.TRANSACTION_TIMEOUT) >= 0) {
        throw new IllegalArgumentException(
            "--checkpoint-interval "
                + interval
                + " is too long: with a checkpoint timeout of "
                + timeout
                + " and "
                + tolerableFailures
                + " tolerated failures a Kafka transaction could stay open for "
                + longest
                + ", beyond the transaction timeout of "
                + KafkaIO.TRANSACTION_TIMEOUT
                + " after which the broker aborts it");
      }
    }

    /** The defaults with the given interval; the minimum pause scales with it (at most 2 s). */
    public static CheckpointPolicy forInterval(Duration interval) {
      Duration fifth = interval.dividedBy(5);
      Duration minPause =
          fifth.compareTo(Duration.ofSeconds(2)) < 0 ? fifth : Duration.ofSeconds(2);
      return new CheckpointPolicy(interval, TIMEOUT, minPause, TOLERABLE_FAILURES);
    }

    /**
     * The longest a sink's transaction can stay open: every tolerated failure adds one more
     * checkpoint cycle (interval, pause and timeout), and a restart adds {@link #RESTART_BUDGET}.
     */
    public Duration longestTransaction() {
      return longestTransaction(interval, timeout, minPause, tolerableFailures);
    }

    private static Duration longestTransaction(
        Duration interval, Duration timeout, Duration minPause, int tolerableFailures) {
      return interval
          .plus(minPause)
          .plus(timeout)
          .multipliedBy(tolerableFailures + 1L)
          .plus(RESTART_BUDGET);
    }
  }

  /** {@link #configure(StreamExecutionEnvironment, CheckpointPolicy)} with the default policy. */
  public static StreamExecutionEnvironment configure(
      StreamExecutionEnvironment env, Duration checkpointInterval) {
    return configure(env, CheckpointPolicy.forInterval(checkpointInterval));
  }

  /**
   * Exactly-once checkpoints by {@code policy} (the Kafka sinks commit their transactions on them),
   * a bounded restart backoff (part of the transaction's budget), no silent Kryo fallback, and
   * frequent watermarks so timers fire close to their time.
   */
  public static StreamExecutionEnvironment configure(
      StreamExecutionEnvironment env, CheckpointPolicy policy) {
    env.configure(settings(policy));
    return env;
  }

  /** The settings {@link #configure} applies, as configuration keys. */
  public static Configuration settings(CheckpointPolicy policy) {
    Configuration config = new Configuration();
    config.set(PipelineOptions.GENERIC_TYPES, false);
    config.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(200));
    config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, policy.interval());
    config.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    config.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, policy.timeout());
    config.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, policy.minPause());
    config.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, policy.tolerableFailures());
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    config.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
        Duration.ofSeconds(1));
    config.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
        CheckpointPolicy.RESTART_MAX_BACKOFF);
    return config;
  }
}
