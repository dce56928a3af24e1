package com.sendflowr.local;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * A small, steady stream of demo traffic so a newcomer sees the system work: engagement signals for
 * a handful of recipients, a send request every few seconds with a window opening shortly, and one
 * malformed signal to show the dead letters.
 */
final class DemoTraffic {
  static final String INTENT = "promo_jan";
  private static final String[] TYPES = {"click", "site_visit", "open", "sms_click", "conversion"};

  private final PipelineTopics topics;
  private final Producer producer;
  private final Random random = new Random(42);
  private int sequence;

  /** Sends one record: topic, key, value. */
  interface Producer {
    void send(String topic, String key, String value);
  }

  DemoTraffic(PipelineTopics topics, Producer producer) {
    this.topics = topics;
    this.producer = producer;
  }

  void sendMalformedSignal(BiConsumer<String, String> announce) {
    String bad = "{\"event_id\": \"demo-broken\", \"event_type\": \"click\"";
    producer.send(topics.signals(), "u-demo-0", bad);
    announce.accept("signal  (malformed, expect a dead letter)", bad);
  }

  /** One tick: a signal and a send request. */
  void tick(BiConsumer<String, String> announce) {
    int n = sequence++;
    String recipient = "u-demo-" + (n % 5 + 1);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String type = TYPES[random.nextInt(TYPES.length)];
    String signal =
        Contracts.toJson(
            new Signal("demo-evt-" + n, type, now, recipient, Map.of(), "demo", Map.of()));
    producer.send(topics.signals(), recipient, signal);
    announce.accept("signal  " + type + " from " + recipient, signal);

    Instant notBefore = now.plusSeconds(5 + random.nextInt(10));
    String request =
        Contracts.toJson(
            new SendRequest(
                "demo-req-" + n,
                recipient,
                Map.of(),
                INTENT,
                notBefore,
                notBefore.plus(Duration.ofHours(1)),
                null,
                Map.of("email", recipient + "@example.com")));
    producer.send(topics.sendRequests(), recipient, request);
    announce.accept(
        "request demo-req-" + n + " for " + recipient + ", window opens " + notBefore, request);
  }
}
