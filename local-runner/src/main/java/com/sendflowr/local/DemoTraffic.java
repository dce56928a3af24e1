package com.sendflowr.local;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Demo traffic so a newcomer sees the system work (its connector config is {@link DemoConfig}): six
 * weeks of history for a handful of recipients with their own daily habits, then a steady stream of
 * signals and send requests. Some requests have a short window (sent within a minute or two), some
 * a day-long one (placed at the recipient's habitual time, and pulled forward when a site visit
 * arrives); one malformed signal shows the dead letters.
 */
final class DemoTraffic {
  static final String INTENT = "promo_jan";
  static final int RECIPIENTS = 5;
  private static final String[] TYPES = {"click", "open", "conversion", "site_visit", "click"};

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

  static String recipient(int i) {
    return "u-demo-" + (i + 1);
  }

  /** Each demo recipient's habitual minute of the day (UTC), spread over the day. */
  static int habitMinute(int i) {
    return (7 * 60 + i * 197) % (24 * 60);
  }

  /** Six weeks of clicks per recipient, around their habitual minute: what the model learns. */
  void sendHistory(BiConsumer<String, String> announce) {
    Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
    int sent = 0;
    for (int i = 0; i < RECIPIENTS; i++) {
      for (int day = 42; day >= 1; day--) {
        if (random.nextInt(10) < 3) {
          continue; // not every day
        }
        Instant at =
            today
                .minus(Duration.ofDays(day))
                .plus(Duration.ofMinutes(habitMinute(i) + random.nextInt(41) - 20));
        Signal s =
            new Signal(
                "demo-hist-" + i + "-" + day,
                "click",
                at,
                recipient(i),
                Map.of(),
                "demo",
                Map.of());
        producer.send(topics.signals(), recipient(i), Contracts.toJson(s));
        sent++;
      }
    }
    announce.accept(
        "history "
            + sent
            + " past clicks for "
            + RECIPIENTS
            + " recipients, each with a daily habit",
        "");
  }

  void sendMalformedSignal(BiConsumer<String, String> announce) {
    String bad = "{\"event_id\": \"demo-broken\", \"event_type\": \"click\"";
    producer.send(topics.signals(), recipient(0), bad);
    announce.accept("signal  (malformed, expect a dead letter)", bad);
  }

  /** One tick: a signal, and a send request every other tick. */
  void tick(BiConsumer<String, String> announce) {
    int n = sequence++;
    int who = n % RECIPIENTS;
    String recipient = recipient(who);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String type = n % 23 == 11 ? "ticket_opened" : TYPES[random.nextInt(TYPES.length)];
    String signal =
        Contracts.toJson(
            new Signal("demo-evt-" + n, type, now, recipient, Map.of(), "demo", Map.of()));
    producer.send(topics.signals(), recipient, signal);
    announce.accept("signal  " + type + " from " + recipient, signal);
    if (n % 2 == 1) {
      return;
    }
    // Short windows are sent within minutes; day-long ones wait for the recipient's habit (or a
    // hot path).
    boolean shortWindow = n % 4 == 0;
    Instant notBefore = now.plusSeconds(5 + random.nextInt(10));
    Instant notAfter = notBefore.plus(shortWindow ? Duration.ofMinutes(2) : Duration.ofHours(24));
    String request =
        Contracts.toJson(
            new SendRequest(
                "demo-req-" + n,
                recipient,
                Map.of(),
                INTENT,
                notBefore,
                notAfter,
                null,
                Map.of("email", recipient + "@example.com")));
    producer.send(topics.sendRequests(), recipient, request);
    announce.accept(
        "request demo-req-"
            + n
            + " for "
            + recipient
            + ", window "
            + notBefore
            + " .. "
            + (shortWindow ? "+2 min" : "+24 h"),
        request);
  }

  /** The types a demo tick may send, for tests. */
  static List<String> signalTypes() {
    return List.of("click", "open", "conversion", "site_visit", "ticket_opened");
  }
}
