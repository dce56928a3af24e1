package com.sendflowr.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** Dead letters go back to their source topics, on a real broker, filtered and counted. */
class DeadLetterReplayTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final String REQUEST =
      "{\"request_id\":\"req-1\",\"universal_id\":\"u-1\",\"intent_id\":\"promo_mar\"}";

  @Test
  void matchingDeadLettersGoBackToTheirSourceTopicWithTheirKeys() throws Exception {
    String deadLetters = KAFKA.uniqueTopic("dead-letters");
    String requests = KAFKA.uniqueTopic("send-requests");
    String signals = KAFKA.uniqueTopic("signals");
    KAFKA.createTopics(deadLetters, requests, signals);
    DeadLetter unknownIntent =
        Contracts.deadLetter(
            "timing-job/requests",
            requests,
            "u-1",
            REQUEST,
            RejectReason.UNKNOWN_INTENT,
            "promo_mar",
            T0);
    DeadLetter malformed =
        Contracts.deadLetter(
            "timing-job/signals",
            signals,
            "u-2",
            "{\"event_id\": ",
            RejectReason.MALFORMED_JSON,
            "eof",
            T0);
    DeadLetter truncated =
        Contracts.deadLetter(
            "timing-job/requests",
            requests,
            "u-3",
            "x".repeat(Contracts.MAX_DEAD_LETTER_PAYLOAD_CHARS + 10),
            RejectReason.UNKNOWN_INTENT,
            "promo_mar",
            T0.plusSeconds(1));
    for (DeadLetter d : List.of(unknownIntent, malformed, truncated)) {
      KAFKA.produce(deadLetters, d.key(), Contracts.toJson(d));
    }
    KAFKA.produce(deadLetters, "junk", "not a dead letter");
    DeadLetterReplay replay = new DeadLetterReplay(KAFKA.bootstrapServers(), deadLetters);
    DeadLetterReplay.Filter unknownIntents =
        new DeadLetterReplay.Filter(Set.of(RejectReason.UNKNOWN_INTENT), Set.of(), null, null);

    DeadLetterReplay.Report dry = replay.replay(unknownIntents, true);
    assertThat(dry.scanned()).isEqualTo(4);
    assertThat(dry.matched()).isEqualTo(2);
    assertThat(dry.replayed()).isEqualTo(1);
    assertThat(dry.skippedTruncated()).isEqualTo(1);
    assertThat(dry.unreadable()).isEqualTo(1);
    assertThat(KAFKA.consumeAll(requests, Duration.ofSeconds(2)))
        .as("a dry run sends nothing")
        .isEmpty();

    DeadLetterReplay.Report done = replay.replay(unknownIntents, false);
    assertThat(done.replayedByTopic()).isEqualTo(Map.of(requests, 1L));
    List<ConsumerRecord<String, String>> back =
        KAFKA.consumeAtLeast(requests, 1, Duration.ofSeconds(30));
    assertThat(back)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("u-1");
              assertThat(r.value()).isEqualTo(REQUEST);
            });
    assertThat(KAFKA.consumeAll(signals, Duration.ofSeconds(2)))
        .as("not matched: not replayed")
        .isEmpty();

    // A time window and a stage filter select too.
    assertThat(
            replay
                .replay(
                    new DeadLetterReplay.Filter(
                        Set.of(), Set.of("timing-job/signals"), T0, T0.plusSeconds(60)),
                    true)
                .replayedByTopic())
        .isEqualTo(Map.of(signals, 1L));
    assertThat(
            replay
                .replay(
                    new DeadLetterReplay.Filter(Set.of(), Set.of(), T0.plusSeconds(1), null), true)
                .matched())
        .as("only the truncated one is that late")
        .isEqualTo(1);
  }

  @Test
  void theCommandPrintsAJsonReportAndRefusesAnUnknownReason() throws Exception {
    String deadLetters = KAFKA.uniqueTopic("dead-letters");
    KAFKA.createTopics(deadLetters);
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true));
      code =
          new CommandLine(new DeadLettersCommand())
              .execute(
                  "replay",
                  "--bootstrap-servers",
                  KAFKA.bootstrapServers(),
                  "--dead-letters-topic",
                  deadLetters,
                  "--reason",
                  "unknown_intent",
                  "--dry-run");
    } finally {
      System.setOut(stdout);
    }
    assertThat(code).isZero();
    assertThat(Contracts.mapper().readTree(out.toString()).get("scanned").asLong()).isZero();

    int refused =
        new CommandLine(new DeadLettersCommand())
            .execute("replay", "--bootstrap-servers", KAFKA.bootstrapServers(), "--reason", "nope");
    assertThat(refused).isNotZero();
  }
}
