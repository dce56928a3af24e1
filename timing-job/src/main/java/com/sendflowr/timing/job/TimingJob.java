package com.sendflowr.timing.job;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.KafkaIO;
import com.sendflowr.timing.job.identity.IdentityStage;
import com.sendflowr.timing.job.identity.RecipientHandoff;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point: parse configuration, build the real Kafka connectors, define the topology. The job
 * never touches the explanation store: the explanation loader copies the explanations topic there.
 *
 * <p>Arguments ({@code --name value}, or env {@code SENDFLOWR_NAME}): {@code kafka-bootstrap}
 * (required), topic names {@code signals-topic}, {@code send-requests-topic}, {@code
 * dispatch-outcomes-topic}, {@code connector-config-topic}, {@code decisions-topic}, {@code
 * explanations-topic}, {@code dead-letters-topic}, {@code group-id}, {@code
 * transactional-id-prefix} (required, unique per deployment on the Kafka cluster: decisions and
 * explanation rows share it, being one sink; the handoffs sink adds "-handoffs"), {@code policy}
 * ({@code model} or {@code asap}), {@code prior-file} (a population prior written by {@code
 * bin/sendflowr bootstrap}), {@code default-latency} (60s, until a channel's latency is learned),
 * {@code recipient-ttl} (400d), {@code checkpoint-interval} (10s).
 */
public final class TimingJob {
  /**
   * Key groups of the keyed state. Fixed: a savepoint (including one written by {@code bootstrap})
   * restores only into a job with the same maximum parallelism, and it caps how far the job scales.
   */
  public static final int MAX_PARALLELISM = 128;

  private TimingJob() {}

  /**
   * The topics the job reads and writes, as its flags name them: one typed place for everyone who
   * starts the job (the local runner, the benchmark, tests).
   */
  public record Topics(
      String signals,
      String sendRequests,
      String dispatchOutcomes,
      String connectorConfig,
      String recipientHandoffs,
      String decisions,
      String explanations,
      String deadLetters) {

    /** The production topic names. */
    public static Topics defaults() {
      return new Topics(
          com.sendflowr.contract.Topics.SIGNALS,
          com.sendflowr.contract.Topics.SEND_REQUESTS,
          com.sendflowr.contract.Topics.DISPATCH_OUTCOMES,
          com.sendflowr.contract.Topics.CONNECTOR_CONFIG,
          com.sendflowr.contract.Topics.RECIPIENT_HANDOFFS,
          com.sendflowr.contract.Topics.DECISIONS,
          com.sendflowr.contract.Topics.EXPLANATIONS,
          com.sendflowr.contract.Topics.DEAD_LETTERS);
    }

    /** The topics {@code args} name, each defaulting to its production name. */
    public static Topics from(JobArgs args) {
      Topics d = defaults();
      return new Topics(
          args.get("signals-topic", d.signals()),
          args.get("send-requests-topic", d.sendRequests()),
          args.get("dispatch-outcomes-topic", d.dispatchOutcomes()),
          args.get("connector-config-topic", d.connectorConfig()),
          args.get("handoffs-topic", d.recipientHandoffs()),
          args.get("decisions-topic", d.decisions()),
          args.get("explanations-topic", d.explanations()),
          args.get("dead-letters-topic", d.deadLetters()));
    }

    /** A command line: {@code flags}, then the flags that name these topics. */
    public static String[] argv(Topics topics, String... flags) {
      List<String> argv = new ArrayList<>(List.of(flags));
      argv.addAll(topics.flags());
      return argv.toArray(String[]::new);
    }

    /** The flags that name these topics, as {@code --flag value} pairs. */
    public List<String> flags() {
      return List.of(
          "--signals-topic", signals,
          "--send-requests-topic", sendRequests,
          "--dispatch-outcomes-topic", dispatchOutcomes,
          "--connector-config-topic", connectorConfig,
          "--handoffs-topic", recipientHandoffs,
          "--decisions-topic", decisions,
          "--explanations-topic", explanations,
          "--dead-letters-topic", deadLetters);
    }
  }

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    wire(env, JobArgs.parse(args));
    env.execute("sendflowr-timing");
  }

  /** Builds the real connectors from {@code args} and defines the topology on {@code env}. */
  public static void wire(StreamExecutionEnvironment env, JobArgs args) {
    String bootstrap = args.require("kafka-bootstrap");
    String groupId = args.get("group-id", "sendflowr-timing");
    String transactionalIdPrefix = KafkaIO.transactionalIdPrefix(args);
    JobEnvironment.configure(env, args.duration("checkpoint-interval", Duration.ofSeconds(10)));
    env.setMaxParallelism(MAX_PARALLELISM);

    Topics topics = Topics.from(args);
    TimingTopology.Sources sources =
        new TimingTopology.Sources(
            KafkaIO.rawSource(bootstrap, topics.signals(), groupId),
            KafkaIO.rawSource(bootstrap, topics.sendRequests(), groupId),
            KafkaIO.rawSource(bootstrap, topics.dispatchOutcomes(), groupId),
            KafkaIO.compactedStateSource(bootstrap, topics.connectorConfig(), groupId),
            KafkaIO.rawSource(bootstrap, topics.recipientHandoffs(), groupId));
    TimingTopology.Sinks sinks =
        new TimingTopology.Sinks(
            KafkaIO.jsonSink(
                bootstrap,
                new KafkaIO.Route<TimingDecision>(topics.decisions(), TimingDecision::universalId),
                new KafkaIO.Route<ExplanationRow>(
                    topics.explanations(), ExplanationRow::universalId),
                DeliveryGuarantee.EXACTLY_ONCE,
                transactionalIdPrefix),
            KafkaIO.<RecipientHandoff>jsonSink(
                bootstrap,
                topics.recipientHandoffs(),
                RecipientHandoff::key,
                DeliveryGuarantee.EXACTLY_ONCE,
                transactionalIdPrefix + "-handoffs"),
            KafkaIO.<DeadLetter>jsonSink(
                bootstrap,
                topics.deadLetters(),
                DeadLetter::key,
                DeliveryGuarantee.AT_LEAST_ONCE,
                transactionalIdPrefix + "-dead-letters"));
    DecideSettings defaults = DecideSettings.defaults();
    DecideSettings decide =
        defaults
            .withPolicy(args.get("policy", defaults.policy()))
            .withDefaultLatency(args.duration("default-latency", defaults.defaultLatency()))
            .withRecipientTtl(args.duration("recipient-ttl", defaults.recipientTtl()));
    String modelFile = args.get("model-file", null);
    String priorFile = args.get("prior-file", null);
    ModelSpec model =
        ModelSpec.of(
            modelFile == null ? null : Path.of(modelFile),
            priorFile == null ? null : Path.of(priorFile));
    IdentityStage.Settings identity =
        new IdentityStage.Settings(
            args.duration("identity-key-ttl", IdentityStage.Settings.DEFAULT_KEY_TTL));
    TimingTopology.define(
        env, sources, sinks, new TimingTopology.Settings(decide, model, identity));
  }
}
