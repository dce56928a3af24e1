package com.sendflowr.timing.job.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.TimingInput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The identity stage in a real job at parallelism 2: the same person, named by a hashed e-mail in
 * some records and only by an ESP id in others, ends under one universal id.
 */
class IdentityStageTest {
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  static final Instant T0 = Instant.parse("2026-01-05T09:30:00Z");
  static final String HASH = "d".repeat(64);
  static final String EMAIL_ID = "email:" + HASH;
  static final String ESP_ID = "alias:klaviyo_profile_id:01HX";
  static final String HASH2 = "e".repeat(64);
  static final String LATE = "p2-by-esp-later";

  static Signal signal(String eventId, Map<String, String> keys) {
    return new Signal(eventId, "click", T0, null, keys, "test", Map.of());
  }

  @Test
  void anEmailKeyedAndAnEspKeyedRecordOfOnePersonEndUnderOneId() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, Duration.ofSeconds(1));
    env.setParallelism(2);

    Map<String, String> email = Map.of("email_sha256", HASH);
    Map<String, String> esp = Map.of("klaviyo_profile_id", "01HX");
    Map<String, String> both = new HashMap<>(email);
    both.putAll(esp);
    SendRequest request = new SendRequest("r-1", null, esp, "promo_jan", null, null, T0, Map.of());
    // Another person on the same ESP, never linked: stays apart.
    Map<String, String> stranger = Map.of("klaviyo_profile_id", "01ZZ");
    // A third, whose e-mail the brand's own universal id claims; their ESP id is only ever seen
    // beside the e-mail, never beside the universal id.
    Map<String, String> email2 = Map.of("email_sha256", HASH2);
    Map<String, String> both2 = Map.of("email_sha256", HASH2, "klaviyo_profile_id", "02AA");
    List<TimingInput> inputs =
        List.of(
            TimingInput.of(signal("by-email", email)),
            TimingInput.of(signal("by-esp-before-link", esp)),
            TimingInput.of(signal("linking", both)),
            TimingInput.of(signal("by-esp-after-link", esp)),
            TimingInput.of(request),
            TimingInput.of(signal("stranger", stranger)),
            TimingInput.of(signal("hostile", Map.of("klaviyo:profile", "x"))),
            TimingInput.of(signal("p2-by-email", email2)),
            TimingInput.of(new Signal("p2-claim", "click", T0, "u-2", email2, "test", Map.of())),
            TimingInput.of(signal("p2-both", both2)),
            TimingInput.of(signal(LATE, Map.of("klaviyo_profile_id", "02AA"))));

    IdentityStage.Resolved stage =
        IdentityStage.apply(
            env.fromData(inputs, JsonRecordTypeInfo.of(TimingInput.class))
                .map(IdentityStageTest::holdBackTheLateRecord)
                .returns(JsonRecordTypeInfo.of(TimingInput.class))
                .setParallelism(1),
            IdentityStage.Settings.defaults());
    CloseableIterator<TimingInput> resolved = stage.inputs().collectAsync();
    CloseableIterator<RecipientMerge> merges = stage.merges().collectAsync();
    CloseableIterator<DeadLetter> deadLetters = stage.deadLetters().collectAsync();
    env.execute("identity-stage");

    Map<String, TimingInput> byRecord =
        drain(resolved).stream()
            .collect(
                Collectors.toMap(
                    t -> t.signal() != null ? t.signal().eventId() : t.request().requestId(),
                    Function.identity()));
    assertThat(byRecord).hasSize(10);
    assertThat(byRecord.get("p2-by-email").recipient()).isEqualTo("email:" + HASH2);
    assertThat(byRecord.get("p2-both").recipient()).isEqualTo("u-2");
    assertThat(byRecord.get(LATE).recipient())
        .as("the ESP id was re-linked to the id that claimed the e-mail")
        .isEqualTo("u-2");
    assertThat(byRecord.get("by-email").recipient()).isEqualTo(EMAIL_ID);
    assertThat(byRecord.get("by-esp-before-link").recipient()).isEqualTo(ESP_ID);
    assertThat(byRecord.get("by-esp-before-link").resolution().method())
        .isEqualTo(IdentityResolution.PROVISIONAL);
    assertThat(byRecord.get("linking").resolution().aliases())
        .containsExactly("klaviyo_profile_id:01HX");
    assertThat(byRecord.get("by-esp-after-link").recipient()).isEqualTo(EMAIL_ID);
    assertThat(byRecord.get("by-esp-after-link").resolution().method())
        .isEqualTo(IdentityResolution.ALIAS);
    assertThat(byRecord.get("by-esp-after-link").resolution().linkedBy())
        .isEqualTo("event_id:linking");
    assertThat(byRecord.get("r-1").recipient()).isEqualTo(EMAIL_ID);

    List<RecipientMerge> merged = drain(merges);
    assertThat(merged)
        .extracting(RecipientMerge::from, RecipientMerge::into, RecipientMerge::linkedBy)
        .containsExactlyInAnyOrder(
            tuple(ESP_ID, EMAIL_ID, "event_id:linking"),
            tuple("email:" + HASH2, "u-2", "event_id:p2-claim"));

    // Applying the merges as the decide operator will: the person's whole history is one id.
    Map<String, Set<String>> history = new HashMap<>();
    byRecord.forEach(
        (id, t) -> history.computeIfAbsent(t.recipient(), k -> new TreeSet<>()).add(id));
    for (RecipientMerge m : merged) {
      history.computeIfAbsent(m.into(), k -> new TreeSet<>()).addAll(history.remove(m.from()));
    }
    assertThat(history)
        .containsOnlyKeys(EMAIL_ID, "u-2", "alias:klaviyo_profile_id:01ZZ")
        .containsEntry(
            EMAIL_ID,
            new TreeSet<>(
                List.of("by-email", "by-esp-before-link", "linking", "by-esp-after-link", "r-1")))
        .containsEntry("u-2", new TreeSet<>(List.of("p2-by-email", "p2-claim", "p2-both", LATE)));

    assertThat(drain(deadLetters))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.reason()).isEqualTo(RejectReason.INVALID_FIELD);
              assertThat(d.detail()).contains("':'");
              assertThat(d.payload()).contains("hostile");
            });
  }

  /**
   * A re-link made by the e-mail resolver travels one operator further than a record from the
   * fan-out; the test lets it arrive first, as it would in a running job, where records of one
   * person are not milliseconds apart.
   */
  private static TimingInput holdBackTheLateRecord(TimingInput t) throws InterruptedException {
    if (t.signal() != null && LATE.equals(t.signal().eventId())) {
      Thread.sleep(2_000);
    }
    return t;
  }

  private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
    List<T> all = new ArrayList<>();
    try (it) {
      it.forEachRemaining(all::add);
    }
    return all;
  }
}
