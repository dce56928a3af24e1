package com.sendflowr.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.SendRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {

  private static final PipelineTopics TOPICS =
      new PipelineTopics("sig", "req", "dec", "expl", "out", "cfg", "dead", "handoffs");

  private final List<String[]> sent = new ArrayList<>();
  private final DemoTraffic demo =
      new DemoTraffic(TOPICS, (topic, key, value) -> sent.add(new String[] {topic, key, value}));

  @Test
  void everyDemoRecordPassesTheStrictParsersExceptTheOneMeantToFail() {
    demo.sendHistory((what, json) -> {});
    demo.sendMalformedSignal((what, json) -> {});
    for (int i = 0; i < 40; i++) {
      demo.tick((what, json) -> {});
    }
    int malformed = 0;
    List<SendRequest> requests = new ArrayList<>();
    for (String[] r : sent) {
      switch (r[0]) {
        case "sig" -> {
          var parsed = Contracts.parseSignal(r[2]);
          if (!parsed.isOk()) {
            malformed++;
            continue;
          }
          assertThat(parsed.value().universalId()).isEqualTo(r[1]);
        }
        case "req" -> {
          SendRequest request = Contracts.parseSendRequest(r[2]).value();
          assertThat(request.universalId()).isEqualTo(r[1]);
          assertThat(request.intentId()).isEqualTo(DemoTraffic.INTENT);
          assertThat(request.metadata()).containsEntry("email", r[1] + "@example.com");
          requests.add(request);
        }
        default -> throw new AssertionError("unexpected topic " + r[0]);
      }
    }
    assertThat(malformed).isEqualTo(1);
    assertThat(requests).hasSize(20);
    assertThat(requests)
        .extracting(r -> Duration.between(r.notBefore(), r.notAfter()))
        .contains(Duration.ofMinutes(2), Duration.ofHours(24));
  }

  @Test
  void theHistoryGivesEveryRecipientWeeksOfPastClicks() {
    demo.sendHistory((what, json) -> {});
    Instant now = Instant.now();
    for (int i = 0; i < DemoTraffic.RECIPIENTS; i++) {
      String who = DemoTraffic.recipient(i);
      List<Instant> times =
          sent.stream()
              .filter(r -> r[1].equals(who))
              .map(r -> Contracts.parseSignal(r[2]).value().occurredAt())
              .toList();
      assertThat(times).hasSizeGreaterThan(15).allMatch(t -> t.isBefore(now));
    }
  }
}
