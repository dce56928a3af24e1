package com.sendflowr.timing.job;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.contract.Topics;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.KafkaIO;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point: parse configuration, build the real Kafka and JDBC connectors, define the topology.
 *
 * <p>Arguments ({@code --name value}, or env {@code SENDFLOWR_NAME}): {@code kafka-bootstrap}
 * (required), {@code explanations-jdbc-url} (required, ClickHouse or H2), {@code
 * explanations-jdbc-user}, {@code explanations-jdbc-password}, topic names {@code signals-topic},
 * {@code send-requests-topic}, {@code decisions-topic}, {@code dead-letters-topic}, {@code
 * group-id}, {@code transactional-id-prefix} (group id + "-decisions"), {@code default-window}
 * (24h), {@code default-latency} (2s), {@code checkpoint-interval} (10s).
 */
public final class TimingJob {
  private TimingJob() {}

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    wire(env, JobArgs.parse(args));
    env.execute("sendflowr-timing");
  }

  /** Builds the real connectors from {@code args} and defines the topology on {@code env}. */
  public static void wire(StreamExecutionEnvironment env, JobArgs args) {
    String bootstrap = args.require("kafka-bootstrap");
    String jdbcUrl = args.require("explanations-jdbc-url");
    String groupId = args.get("group-id", "sendflowr-timing");
    JobEnvironment.configure(env, args.duration("checkpoint-interval", Duration.ofSeconds(10)));

    TimingTopology.Sources sources =
        new TimingTopology.Sources(
            KafkaIO.rawSource(bootstrap, args.get("signals-topic", Topics.SIGNALS), groupId),
            KafkaIO.rawSource(
                bootstrap, args.get("send-requests-topic", Topics.SEND_REQUESTS), groupId));
    TimingTopology.Sinks sinks =
        new TimingTopology.Sinks(
            KafkaIO.<TimingDecision>jsonSink(
                bootstrap,
                args.get("decisions-topic", Topics.DECISIONS),
                TimingDecision::universalId,
                DeliveryGuarantee.EXACTLY_ONCE,
                args.get("transactional-id-prefix", groupId + "-decisions")),
            ExplanationStore.sink(
                jdbcUrl,
                args.get("explanations-jdbc-user", null),
                args.get("explanations-jdbc-password", null)),
            KafkaIO.<DeadLetter>jsonSink(
                bootstrap,
                args.get("dead-letters-topic", Topics.DEAD_LETTERS),
                DeadLetter::key,
                DeliveryGuarantee.AT_LEAST_ONCE,
                groupId + "-dead-letters"));
    TimingTopology.Settings defaults = TimingTopology.Settings.defaults();
    TimingTopology.Settings settings =
        new TimingTopology.Settings(
            args.duration("default-window", defaults.defaultWindow()),
            args.duration("default-latency", defaults.defaultLatency()));
    TimingTopology.define(env, sources, sinks, settings);
  }
}
