package com.sendflowr.timing.job.identity;

import static org.assertj.core.api.Assertions.assertThat;

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
    List<TimingInput> inputs =
        List.of(
            TimingInput.of(signal("by-email", email)),
            TimingInput.of(signal("by-esp-before-link", esp)),
            TimingInput.of(signal("linking", both)),
            TimingInput.of(signal("by-esp-after-link", esp)),
            TimingInput.of(request),
            TimingInput.of(signal("stranger", stranger)),
            TimingInput.of(signal("hostile", Map.of("klaviyo:profile", "x"))));

    IdentityStage.Resolved stage =
        IdentityStage.apply(
            env.fromData(inputs, JsonRecordTypeInfo.of(TimingInput.class)),
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
    assertThat(byRecord).hasSize(6);
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
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.from()).isEqualTo(ESP_ID);
              assertThat(m.into()).isEqualTo(EMAIL_ID);
              assertThat(m.linkedBy()).isEqualTo("event_id:linking");
            });

    // Applying the merges as the decide operator will: the person's whole history is one id.
    Map<String, Set<String>> history = new HashMap<>();
    byRecord.forEach(
        (id, t) -> history.computeIfAbsent(t.recipient(), k -> new TreeSet<>()).add(id));
    for (RecipientMerge m : merged) {
      history.computeIfAbsent(m.into(), k -> new TreeSet<>()).addAll(history.remove(m.from()));
    }
    assertThat(history)
        .containsOnlyKeys(EMAIL_ID, "alias:klaviyo_profile_id:01ZZ")
        .containsEntry(
            EMAIL_ID,
            new TreeSet<>(
                List.of("by-email", "by-esp-before-link", "linking", "by-esp-after-link", "r-1")));

    assertThat(drain(deadLetters))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.reason()).isEqualTo(RejectReason.INVALID_FIELD);
              assertThat(d.detail()).contains("':'");
              assertThat(d.payload()).contains("hostile");
            });
  }

  private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
    List<T> all = new ArrayList<>();
    try (it) {
      it.forEachRemaining(all::add);
    }
    return all;
  }
}
