package com.sendflowr.dispatch;

import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.KafkaBrokerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One test's dispatch job on the real broker: fresh topics (the config topic compacted, as in
 * production), and the job wired by the call its {@code main} makes.
 */
record DispatchJobTopics(String decisions, String config, String outcomes, String deadLetters) {

  static DispatchJobTopics create(KafkaBrokerExtension kafka) {
    DispatchJobTopics t =
        new DispatchJobTopics(
            kafka.uniqueTopic("decisions"),
            kafka.uniqueTopic("connector-config"),
            kafka.uniqueTopic("outcomes"),
            kafka.uniqueTopic("dead-letters"));
    kafka.createTopics(t.decisions, t.outcomes, t.deadLetters);
    kafka.createTopic(t.config, 1, Map.of("cleanup.policy", "compact"));
    return t;
  }

  /**
   * Defines the dispatch job on {@code env} with these topics and 500 ms checkpoints.
   *
   * @param espBaseUrls per ESP name, the sandbox it calls
   * @param credentials per credential reference, the key
   */
  void wire(
      StreamExecutionEnvironment env,
      KafkaBrokerExtension kafka,
      String group,
      Map<String, String> espBaseUrls,
      Map<String, String> credentials) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "--kafka-bootstrap", kafka.bootstrapServers(),
                "--decisions-topic", decisions,
                "--connector-config-topic", config,
                "--outcomes-topic", outcomes,
                "--dead-letters-topic", deadLetters,
                "--group-id", group,
                "--transactional-id-prefix", group,
                "--checkpoint-interval", "500ms"));
    espBaseUrls.forEach(
        (esp, url) -> {
          argv.add("--" + esp + "-base-url");
          argv.add(url);
        });
    DispatchJob.wire(
        env, JobArgs.parse(argv.toArray(String[]::new), Map.of()), CredentialStore.of(credentials));
  }
}
