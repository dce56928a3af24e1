package com.sendflowr.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Contracts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {

  private static final PipelineTopics TOPICS =
      new PipelineTopics("sig", "req", "dec", "out", "cfg", "dead", "handoffs");

  @Test
  void everyDemoRecordPassesTheStrictParsersExceptTheOneMeantToFail() {
    List<String[]> sent = new ArrayList<>();
    DemoTraffic demo =
        new DemoTraffic(TOPICS, (topic, key, value) -> sent.add(new String[] {topic, key, value}));
    demo.sendMalformedSignal((what, json) -> {});
    for (int i = 0; i < 20; i++) {
      demo.tick((what, json) -> {});
    }
    assertThat(sent).hasSize(41);
    assertThat(Contracts.parseSignal(sent.get(0)[2]).isOk()).isFalse();
    for (String[] r : sent.subList(1, sent.size())) {
      if (r[0].equals("sig")) {
        assertThat(Contracts.parseSignal(r[2]).value().universalId()).isEqualTo(r[1]);
      } else {
        assertThat(r[0]).isEqualTo("req");
        var request = Contracts.parseSendRequest(r[2]).value();
        assertThat(request.universalId()).isEqualTo(r[1]);
        assertThat(request.intentId()).isEqualTo(DemoTraffic.INTENT);
        assertThat(request.notAfter()).isAfter(request.notBefore());
        assertThat(request.metadata()).containsEntry("email", r[1] + "@example.com");
      }
    }
  }
}
