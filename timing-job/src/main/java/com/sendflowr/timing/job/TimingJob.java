package com.sendflowr.timing.job;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.contract.Topics;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.KafkaIO;
import com.sendflowr.timing.job.identity.IdentityStage;
import com.sendflowr.timing.job.identity.RecipientHandoff;
import java.nio.file.Path;
import java.time.Duration;
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

    String handoffsTopic = args.get("handoffs-topic", Topics.RECIPIENT_HANDOFFS);
    TimingTopology.Sources sources =
        new TimingTopology.Sources(
            KafkaIO.rawSource(bootstrap, args.get("signals-topic", Topics.SIGNALS), groupId),
            KafkaIO.rawSource(
                bootstrap, args.get("send-requests-topic", Topics.SEND_REQUESTS), groupId),
            KafkaIO.rawSource(
                bootstrap, args.get("dispatch-outcomes-topic", Topics.DISPATCH_OUTCOMES), groupId),
            KafkaIO.compactedStateSource(
                bootstrap, args.get("connector-config-topic", Topics.CONNECTOR_CONFIG), groupId),
            KafkaIO.rawSource(bootstrap, handoffsTopic, groupId));
    TimingTopology.Sinks sinks =
        new TimingTopology.Sinks(
            KafkaIO.jsonSink(
                bootstrap,
                new KafkaIO.Route<TimingDecision>(
                    args.get("decisions-topic", Topics.DECISIONS), TimingDecision::universalId),
                new KafkaIO.Route<ExplanationRow>(
                    args.get("explanations-topic", Topics.EXPLANATIONS),
                    ExplanationRow::universalId),
                DeliveryGuarantee.EXACTLY_ONCE,
                transactionalIdPrefix),
            KafkaIO.<RecipientHandoff>jsonSink(
                bootstrap,
                handoffsTopic,
                RecipientHandoff::key,
                DeliveryGuarantee.EXACTLY_ONCE,
                transactionalIdPrefix + "-handoffs"),
            KafkaIO.<DeadLetter>jsonSink(
                bootstrap,
                args.get("dead-letters-topic", Topics.DEAD_LETTERS),
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
