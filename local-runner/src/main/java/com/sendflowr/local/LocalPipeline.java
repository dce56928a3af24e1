package com.sendflowr.local;

import com.sendflowr.dispatch.CredentialStore;
import com.sendflowr.dispatch.DispatchJob;
import com.sendflowr.explanations.ExplanationLoader;
import com.sendflowr.explanations.LoaderOptions;
import com.sendflowr.explanations.StoreOptions;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.timing.job.TimingJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Starts the jobs through the same {@code wire} methods their mains use, on whatever Flink runtime
 * the given environments point at (a MiniCluster in tests, local runtimes in the runner).
 *
 * @param explanationsJdbcUrl the explanation loader's store: ClickHouse or H2
 * @param espBaseUrls per ESP name, the API root to call (the sandboxes locally)
 */
public record LocalPipeline(
    String kafkaBootstrap,
    PipelineTopics topics,
    String explanationsJdbcUrl,
    Map<String, String> espBaseUrls,
    CredentialStore credentials,
    Duration checkpointInterval,
    String groupPrefix) {

  public JobClient startTiming(StreamExecutionEnvironment env) throws Exception {
    TimingJob.wire(
        env,
        args(
            topics.timingJob().flags(),
            // The sandbox answers at once; a real ESP's latency is learned from delivery feedback.
            "default-latency",
            "2s",
            "group-id",
            groupPrefix + "-timing",
            "transactional-id-prefix",
            groupPrefix + "-timing"));
    return env.executeAsync("sendflowr-timing");
  }

  public JobClient startExplanationLoader(StreamExecutionEnvironment env) throws Exception {
    ExplanationLoader.wire(
        env,
        new LoaderOptions(
            kafkaBootstrap,
            topics.explanations(),
            topics.outcomes(),
            topics.deadLetters(),
            true,
            groupPrefix + "-explanation-loader",
            checkpointInterval,
            StoreOptions.of(explanationsJdbcUrl, null, null)));
    return env.executeAsync("sendflowr-explanation-loader");
  }

  public LocalPipeline {
    espBaseUrls = Map.copyOf(espBaseUrls);
  }

  public JobClient startDispatch(StreamExecutionEnvironment env) throws Exception {
    List<String> baseUrlFlags = new ArrayList<>();
    espBaseUrls.forEach(
        (esp, url) -> {
          baseUrlFlags.add("--" + esp + "-base-url");
          baseUrlFlags.add(url);
        });
    DispatchJob.wire(
        env,
        args(
            baseUrlFlags,
            "decisions-topic",
            topics.decisions(),
            "connector-config-topic",
            topics.connectorConfig(),
            "outcomes-topic",
            topics.outcomes(),
            "dead-letters-topic",
            topics.deadLetters(),
            "group-id",
            groupPrefix + "-dispatch",
            "transactional-id-prefix",
            groupPrefix + "-dispatch"),
        credentials);
    return env.executeAsync("sendflowr-dispatch");
  }

  private JobArgs args(String... pairs) {
    return args(List.of(), pairs);
  }

  /**
   * @param flags {@code --flag value} pairs as they are
   * @param pairs flag names without their dashes, each followed by its value
   */
  private JobArgs args(List<String> flags, String... pairs) {
    List<String> argv = new ArrayList<>(flags);
    argv.add("--kafka-bootstrap");
    argv.add(kafkaBootstrap);
    argv.add("--checkpoint-interval");
    argv.add(checkpointInterval.toMillis() + "ms");
    for (int i = 0; i < pairs.length; i += 2) {
      argv.add("--" + pairs[i]);
      argv.add(pairs[i + 1]);
    }
    // Only the flags above: a developer's SENDFLOWR_* environment must not leak into the runner.
    return JobArgs.parse(argv.toArray(String[]::new), Map.of());
  }
}
