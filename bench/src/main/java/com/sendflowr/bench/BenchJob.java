package com.sendflowr.bench;

import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.timing.job.TimingJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The timing job under benchmark, built by the same {@code wire} its main calls: the one place to
 * adapt when the job's flags change.
 */
final class BenchJob {
  private BenchJob() {}

  /** The job's topics for one run: fresh names, so runs never read each other's records. */
  record Topics(
      String signals,
      String requests,
      String outcomes,
      String config,
      String decisions,
      String explanations,
      String handoffs,
      String deadLetters) {

    static Topics fresh(KafkaBrokerExtension kafka) {
      return new Topics(
          kafka.uniqueTopic("signals"),
          kafka.uniqueTopic("send-requests"),
          kafka.uniqueTopic("dispatch-outcomes"),
          kafka.uniqueTopic("connector-config"),
          kafka.uniqueTopic("decisions"),
          kafka.uniqueTopic("explanations"),
          kafka.uniqueTopic("recipient-handoffs"),
          kafka.uniqueTopic("dead-letters"));
    }

    /** One partition per parallel reader; config is compacted, as in production. */
    void create(KafkaBrokerExtension kafka, int partitions) {
      for (String t :
          List.of(signals, requests, outcomes, decisions, explanations, handoffs, deadLetters)) {
        kafka.createTopic(t, partitions, Map.of());
      }
      kafka.createTopic(config, 1, Map.of("cleanup.policy", "compact"));
    }
  }

  /** Defines the job on {@code env} exactly as {@code TimingJob.main} would with these flags. */
  static void wire(
      StreamExecutionEnvironment env,
      String kafkaBootstrap,
      Topics topics,
      String groupId,
      Duration checkpointInterval) {
    List<String> argv =
        new ArrayList<>(
            new TimingJob.Topics(
                    topics.signals(),
                    topics.requests(),
                    topics.outcomes(),
                    topics.config(),
                    topics.handoffs(),
                    topics.decisions(),
                    topics.explanations(),
                    topics.deadLetters())
                .flags());
    add(argv, "kafka-bootstrap", kafkaBootstrap);
    add(argv, "group-id", groupId);
    add(argv, "transactional-id-prefix", groupId);
    add(argv, "checkpoint-interval", checkpointInterval.toMillis() + "ms");
    // Only these flags: a developer's SENDFLOWR_* environment must not change what is measured.
    TimingJob.wire(env, JobArgs.parse(argv.toArray(String[]::new), Map.of()));
  }

  private static void add(List<String> argv, String name, String value) {
    argv.add("--" + name);
    argv.add(value);
  }
}
