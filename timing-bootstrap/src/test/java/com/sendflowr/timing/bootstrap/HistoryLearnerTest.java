package com.sendflowr.timing.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.job.identity.IdentityKeys;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryLearnerTest {
  private static final ModelConfig CONFIG = ModelConfig.defaults();
  private static final Instant UNTIL = Instant.parse("2026-06-01T00:00:00Z");
  private static final String EMAIL_HASH = "a".repeat(64);

  @TempDir Path tmp;

  private static Signal click(String id, Instant at, String universalId) {
    return new Signal(id, "click", at, universalId, Map.of(), "test", Map.of());
  }

  private static List<String> history() {
    return List.of(
        Contracts.toJson(click("c1", Instant.parse("2026-05-01T18:00:00Z"), "u-anna")),
        "",
        "{not json",
        "{\"event_id\":\"x\",\"event_type\":\"teleport\",\"occurred_at\":\"2026-05-01T00:00:00Z\","
            + "\"universal_id\":\"u-anna\"}",
        Contracts.toJson(click("c2", Instant.parse("2026-05-02T18:05:00Z"), "u-anna")),
        // exactly at the cut-off, and after it: the live stream's, not history's
        Contracts.toJson(click("c3", UNTIL, "u-anna")),
        Contracts.toJson(click("c4", UNTIL.plusSeconds(3600), "u-anna")),
        // delivery feedback carries no timing evidence
        Contracts.toJson(
            new Signal(
                "d1",
                "delivered",
                Instant.parse("2026-05-03T10:00:00Z"),
                "u-anna",
                Map.of(),
                "esp",
                Map.of())),
        // keyed like the running job keys it: a hashed e-mail names the recipient
        Contracts.toJson(
            new Signal(
                "c5",
                "click",
                Instant.parse("2026-05-04T07:00:00Z"),
                null,
                Map.of(IdentityKeys.EMAIL, EMAIL_HASH, "klaviyo_profile_id", "p-1"),
                "test",
                Map.of())));
  }

  @Test
  void learnsWhatTheJobLearnsAndCountsWhatItSkips() throws IOException {
    Path file = tmp.resolve("history.jsonl");
    Files.write(file, history(), StandardCharsets.UTF_8);

    HistoryLearner h = HistoryLearner.read(file, UNTIL, CONFIG);

    assertThat(h.lines()).isEqualTo(8);
    assertThat(h.used()).isEqualTo(3);
    assertThat(h.skipped())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "malformed_json",
                1L,
                "unknown_type",
                1L,
                HistoryLearner.SKIP_AT_OR_AFTER_UNTIL,
                2L,
                HistoryLearner.SKIP_NOT_LEARNED,
                1L));
    assertThat(h.recipients()).containsOnlyKeys("u-anna", "email:" + EMAIL_HASH);

    RecipientState expected = new RecipientState();
    expected.update(SignalType.CLICK, Instant.parse("2026-05-01T18:00:00Z"), CONFIG);
    expected.update(SignalType.CLICK, Instant.parse("2026-05-02T18:05:00Z"), CONFIG);
    HistoryLearner.Learned anna = h.recipients().get("u-anna");
    assertThat(anna.state()).isEqualTo(expected);
    assertThat(anna.lastActivityMillis())
        .isEqualTo(Instant.parse("2026-05-02T18:05:00Z").toEpochMilli());
  }

  @Test
  void readsGzipByItsContentAndMatchesThePlainFile() throws IOException {
    Path plain = tmp.resolve("history.jsonl");
    Files.write(plain, history(), StandardCharsets.UTF_8);
    Path gz = tmp.resolve("history.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(String.join("\n", history()).getBytes(StandardCharsets.UTF_8));
    }
    Path gzWithoutSuffix = tmp.resolve("history.data");
    Files.copy(gz, gzWithoutSuffix);

    HistoryLearner a = HistoryLearner.read(plain, UNTIL, CONFIG);
    for (Path p : List.of(gz, gzWithoutSuffix)) {
      HistoryLearner b = HistoryLearner.read(p, UNTIL, CONFIG);
      assertThat(b.lines()).isEqualTo(a.lines());
      assertThat(b.skipped()).isEqualTo(a.skipped());
      assertThat(b.recipients().get("u-anna").state())
          .isEqualTo(a.recipients().get("u-anna").state());
    }
  }

  @Test
  void badBytesSpoilOnlyTheirLine() throws IOException {
    Path file = tmp.resolve("bytes.jsonl");
    byte[] good =
        (Contracts.toJson(click("c1", Instant.parse("2026-05-01T18:00:00Z"), "u-b")) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[] {(byte) 0xff, (byte) 0xfe, '{', '\n'};
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(bad);
      out.write(good);
    }
    HistoryLearner h = HistoryLearner.read(file, UNTIL, CONFIG);
    assertThat(h.used()).isEqualTo(1);
    assertThat(h.skipped()).containsOnlyKeys("malformed_json");
  }

  @Test
  void aTruncatedGzipFileFailsWithTheLineItGotTo() throws IOException {
    Path gz = tmp.resolve("history.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      for (int i = 0; i < 2_000; i++) {
        out.write(
            (Contracts.toJson(click("c" + i, Instant.parse("2026-05-01T18:00:00Z"), "u-" + i))
                    + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] all = Files.readAllBytes(gz);
    Path cut = tmp.resolve("cut.jsonl.gz");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));

    assertThatThrownBy(() -> HistoryLearner.read(cut, UNTIL, CONFIG))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(cut.toString())
        .hasMessageContaining("after line");
  }

  @Test
  void anEmptyFileLearnsNothing() throws IOException {
    Path file = Files.createFile(tmp.resolve("empty.jsonl"));
    HistoryLearner h = HistoryLearner.read(file, UNTIL, CONFIG);
    assertThat(h.lines()).isZero();
    assertThat(h.recipients()).isEmpty();
  }
}
