package com.sendflowr.dispatch;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.Topics;
import com.sendflowr.dispatch.esp.EspAdapter;
import com.sendflowr.dispatch.esp.EspAdapters;
import com.sendflowr.dispatch.esp.RetryPolicy;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.KafkaIO;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point: parse configuration, build the real connectors, define the topology.
 *
 * <p>Arguments ({@code --name value}, or env {@code SENDFLOWR_NAME}): {@code kafka-bootstrap}
 * (required), topics {@code decisions-topic}, {@code connector-config-topic}, {@code
 * outcomes-topic}, {@code dead-letters-topic}, {@code group-id}, {@code transactional-id-prefix}
 * (required, unique per deployment on the Kafka cluster), {@code <esp>-base-url} per ESP of {@link
 * EspAdapters#all()} (e.g. {@code klaviyo-base-url}, {@code braze-base-url} for the brand's Braze
 * REST instance, {@code customerio-base-url} for the EU region), {@code credentials-file}
 * (properties {@code ref=key}; otherwise env {@code SENDFLOWR_CREDENTIAL_<REF>}), {@code
 * request-timeout} (10s, one HTTP call), {@code breaker-open-for} (10s, how long an ESP account's
 * circuit breaker stays open before it lets calls through again), {@code batch-flush-after} (50ms,
 * how long a due dispatch waits for others to share its call where the ESP has a batch endpoint),
 * {@code checkpoint-interval} (10s). Retries last as long as each decision's lateness budget.
 */
public final class DispatchJob {
  private DispatchJob() {}

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobArgs jobArgs = JobArgs.parse(args);
    CredentialStore credentials =
        jobArgs.has("credentials-file")
            ? CredentialStore.fromFile(Path.of(jobArgs.get("credentials-file", null)))
            : CredentialStore.fromEnvironment();
    wire(env, jobArgs, credentials);
    env.execute("sendflowr-dispatch");
  }

  public static void wire(
      StreamExecutionEnvironment env, JobArgs args, CredentialStore credentials) {
    String bootstrap = args.require("kafka-bootstrap");
    String groupId = args.get("group-id", "sendflowr-dispatch");
    String transactionalIdPrefix = KafkaIO.transactionalIdPrefix(args);
    JobEnvironment.configure(env, args.duration("checkpoint-interval", Duration.ofSeconds(10)));

    List<EspAdapter> adapters = EspAdapters.all();
    Map<String, String> baseUrls = new HashMap<>();
    for (EspAdapter adapter : adapters) {
      String arg = adapter.name() + "-base-url";
      if (args.has(arg)) {
        baseUrls.put(adapter.name(), args.get(arg, null));
      }
    }
    RetryPolicy retryPolicy = RetryPolicy.defaults();
    Duration requestTimeout = args.duration("request-timeout", Duration.ofSeconds(10));
    EspCaller.BreakerSettings breaker =
        new EspCaller.BreakerSettings(
            EspCaller.BreakerSettings.defaults().window(),
            EspCaller.BreakerSettings.defaults().minimumCalls(),
            args.duration("breaker-open-for", EspCaller.BreakerSettings.defaults().openFor()));
    DispatchTopology.Settings settings =
        new DispatchTopology.Settings(
            adapters,
            baseUrls,
            credentials,
            retryPolicy,
            requestTimeout,
            breaker,
            DispatchTopology.Settings.asyncTimeoutFor(retryPolicy, requestTimeout),
            1_000,
            args.duration(
                "batch-flush-after", DispatchTopology.Settings.DEFAULT_BATCH_FLUSH_AFTER));

    DispatchTopology.define(
        env,
        new DispatchTopology.Sources(
            KafkaIO.rawSource(bootstrap, args.get("decisions-topic", Topics.DECISIONS), groupId),
            KafkaIO.compactedStateSource(
                bootstrap,
                args.get("connector-config-topic", Topics.CONNECTOR_CONFIG),
                groupId + "-config")),
        new DispatchTopology.Sinks(
            KafkaIO.<DispatchOutcome>jsonSink(
                bootstrap,
                args.get("outcomes-topic", Topics.DISPATCH_OUTCOMES),
                DispatchOutcome::universalId,
                DeliveryGuarantee.EXACTLY_ONCE,
                transactionalIdPrefix),
            KafkaIO.<DeadLetter>jsonSink(
                bootstrap,
                args.get("dead-letters-topic", Topics.DEAD_LETTERS),
                DeadLetter::key,
                DeliveryGuarantee.AT_LEAST_ONCE,
                transactionalIdPrefix + "-dead-letters")),
        settings);
  }
}
