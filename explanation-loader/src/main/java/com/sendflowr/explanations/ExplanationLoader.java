package com.sendflowr.explanations;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.KafkaIO;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point: read {@link LoaderOptions} (its {@code from} lists every flag), build the real
 * connectors, define the topology.
 */
public final class ExplanationLoader {
  private ExplanationLoader() {}

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    wire(env, LoaderOptions.from(JobArgs.parse(args)));
    env.execute("sendflowr-explanation-loader");
  }

  /** Builds the real connectors from {@code options} and defines the topology on {@code env}. */
  public static void wire(StreamExecutionEnvironment env, LoaderOptions options) {
    JobEnvironment.configure(env, options.checkpointInterval());
    // While the store is down the sink holds the task thread, so checkpoints expire instead of
    // completing. That is the intended back-pressure, not a reason to restart the job.
    Configuration config = new Configuration();
    config.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, Integer.MAX_VALUE);
    env.configure(config);

    LoaderTopology.define(
        env,
        new LoaderTopology.Sources(
            KafkaIO.rawSource(
                options.kafkaBootstrap(), options.explanationsTopic(), options.groupId()),
            options.outcomesTopic() == null
                ? null
                : KafkaIO.rawSource(
                    options.kafkaBootstrap(), options.outcomesTopic(), options.groupId()),
            options.loadDeadLetters()
                ? KafkaIO.rawSource(
                    options.kafkaBootstrap(), options.deadLettersTopic(), options.groupId())
                : null),
        new LoaderTopology.Sinks(
            ExplanationStore.sink(options.store()),
            options.outcomesTopic() == null ? null : DispatchLog.DEFINITION.sink(options.store()),
            options.loadDeadLetters() ? DeadLetterLog.DEFINITION.sink(options.store()) : null,
            KafkaIO.<DeadLetter>jsonSink(
                options.kafkaBootstrap(),
                options.deadLettersTopic(),
                DeadLetter::key,
                DeliveryGuarantee.AT_LEAST_ONCE,
                options.groupId() + "-dead-letters")));
  }
}
