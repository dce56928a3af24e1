package com.sendflowr.local;

import com.sendflowr.contract.Topics;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.timing.job.TimingJob;
import java.util.List;
import java.util.Map;

/** The topic names one running pipeline uses; tests give each test its own. */
public record PipelineTopics(
    String signals,
    String sendRequests,
    String decisions,
    String explanations,
    String outcomes,
    String connectorConfig,
    String deadLetters,
    String recipientHandoffs) {

  /**
   * Fresh topics on {@code kafka}, created: the event topics, and the connector config compacted.
   */
  public static PipelineTopics createdOn(KafkaBrokerExtension kafka) {
    PipelineTopics topics =
        new PipelineTopics(
            kafka.uniqueTopic("signals"),
            kafka.uniqueTopic("send-requests"),
            kafka.uniqueTopic("decisions"),
            kafka.uniqueTopic("explanations"),
            kafka.uniqueTopic("outcomes"),
            kafka.uniqueTopic("connector-config"),
            kafka.uniqueTopic("dead-letters"),
            kafka.uniqueTopic("handoffs"));
    kafka.createTopics(topics.eventTopics().toArray(String[]::new));
    kafka.createTopic(topics.connectorConfig(), 1, Map.of("cleanup.policy", "compact"));
    return topics;
  }

  /** The timing job's share of them. */
  public TimingJob.Topics timingJob() {
    return new TimingJob.Topics(
        signals,
        sendRequests,
        outcomes,
        connectorConfig,
        recipientHandoffs,
        decisions,
        explanations,
        deadLetters);
  }

  public static PipelineTopics defaults() {
    return new PipelineTopics(
        Topics.SIGNALS,
        Topics.SEND_REQUESTS,
        Topics.DECISIONS,
        Topics.EXPLANATIONS,
        Topics.DISPATCH_OUTCOMES,
        Topics.CONNECTOR_CONFIG,
        Topics.DEAD_LETTERS,
        Topics.RECIPIENT_HANDOFFS);
  }

  /** Every topic but the compacted config topic. */
  public List<String> eventTopics() {
    return List.of(
        signals, sendRequests, decisions, explanations, outcomes, deadLetters, recipientHandoffs);
  }
}
