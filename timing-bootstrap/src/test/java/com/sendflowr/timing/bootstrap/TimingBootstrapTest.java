package com.sendflowr.timing.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import com.sendflowr.timing.job.DecideFunction;
import com.sendflowr.timing.job.DecideSettings;
import com.sendflowr.timing.job.ModelSpec;
import com.sendflowr.timing.job.TimingJob;
import com.sendflowr.timing.job.TimingTopology;
import com.sendflowr.timing.job.identity.IdentityKeys;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.IntentPolicy;
import com.sendflowr.timing.model.LatencyTracker;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import com.sendflowr.timing.model.TimingChoice;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bootstrap from history with the real State Processor API, then the real timing job (its own
 * {@code wire}, parallelism 2, a real broker) restored from the savepoint: the first decision is
 * the library's decision for the same history.
 */
class TimingBootstrapTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static final String INTENT = "promo_jan";
  private static final ModelConfig CONFIG = ModelSpec.defaults().config();
  private static final String EMAIL_HASH = "b".repeat(64);

  @TempDir Path tmp;

  private JobClient job;

  @AfterEach
  void stop() throws Exception {
    if (job != null) {
      job.cancel().get();
    }
  }

  @Test
  void theBootstrappedJobDecidesLikeTheLibraryForTheSameHistory() throws Exception {
    Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Signal> anna = dailyHabit("u-anna", until, 18 * 60, 42);
    List<Signal> bob = dailyHabit("u-bob", until, 7 * 60, 30);
    List<String> lines = new ArrayList<>();
    anna.forEach(s -> lines.add(Contracts.toJson(s)));
    bob.forEach(s -> lines.add(Contracts.toJson(s)));
    lines.add("{\"event_id\": \"broken\""); // one bad line: counted, not fatal
    lines.add(Contracts.toJson(click("late", until.plusSeconds(60), "u-anna"))); // after --until
    Path signals = gzip(lines);
    Path prior = tmp.resolve("prior.bin");
    Path savepoint = tmp.resolve("savepoint");

    TimingBootstrap.Summary summary =
        TimingBootstrap.run(
            StreamExecutionEnvironment.getExecutionEnvironment(),
            new TimingBootstrap.Options(
                signals,
                until,
                savepoint.toString(),
                prior,
                DecideSettings.defaults().recipientTtl()),
            System.err);
    assertThat(summary.recipients()).isEqualTo(2);
    assertThat(summary.signalsUsed()).isEqualTo(anna.size() + bob.size());
    assertThat(summary.signalsSkipped())
        .isEqualTo(Map.of("malformed_json", 1L, HistoryLine.SKIP_AT_OR_AFTER_UNTIL, 1L));
    assertThat(summary.priorMembers()).isEqualTo(2);

    Topics t = Topics.fresh();
    job = start(t, savepoint, prior);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    request(t, "req-anna", "u-anna", now, now.plus(Duration.ofHours(30)));
    request(t, "req-new", "u-new", now, now.plus(Duration.ofHours(30)));
    TimingDecision annaFirst = awaitDecision(t, "req-anna");
    TimingDecision newcomer = awaitDecision(t, "req-new");

    // The job never saw a signal: all it knows of Anna comes from the savepoint.
    TimingChoice expected = library(prior, learn(anna), annaFirst, now);
    assertThat(annaFirst.confidenceScore()).isGreaterThan(0);
    assertThat(annaFirst.targetMinuteUtc()).isEqualTo(expected.targetMinute());
    assertThat(annaFirst.confidenceScore()).isEqualTo(expected.confidenceScore());
    assertThat(annaFirst.targetTimestampUtc()).isEqualTo(expected.target());
    // A recipient without history starts from the crowd learned from the same history.
    TimingChoice crowd = library(prior, null, newcomer, now);
    assertThat(newcomer.targetTimestampUtc()).isEqualTo(crowd.target());
    assertThat(newcomer.confidenceScore()).isEqualTo(crowd.confidenceScore());
    assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void theSavepointHoldsEachRecipientUnderItsJobIdWithItsLastActivityAndTtlTimer()
      throws Exception {
    Instant until = Instant.parse("2026-06-01T00:00:00Z");
    Instant last = Instant.parse("2026-05-20T09:30:00Z");
    Duration ttl = Duration.ofDays(30);
    List<String> lines =
        List.of(
            Contracts.toJson(
                new Signal(
                    "e1",
                    "click",
                    last.minus(Duration.ofDays(2)),
                    null,
                    Map.of(IdentityKeys.EMAIL, EMAIL_HASH, "shop_id", "s-9"),
                    "test",
                    Map.of())),
            Contracts.toJson(
                new Signal(
                    "e2",
                    "click",
                    last,
                    null,
                    Map.of(IdentityKeys.EMAIL, EMAIL_HASH),
                    "test",
                    Map.of())),
            // inactive for longer than the TTL at --until: the job would have forgotten it
            Contracts.toJson(click("old", until.minus(Duration.ofDays(90)), "u-gone")));
    Path savepoint = tmp.resolve("sp");
    TimingBootstrap.Summary summary =
        TimingBootstrap.run(
            StreamExecutionEnvironment.getExecutionEnvironment(),
            new TimingBootstrap.Options(plain(lines), until, savepoint.toString(), null, ttl),
            System.err);
    assertThat(summary.recipients()).isEqualTo(2);
    assertThat(summary.recipientsExpired()).isEqualTo(1);
    assertThat(summary.priorMembers()).isEqualTo(1);
    assertThat(summary.signalsSkipped()).isEmpty();
    assertThat(summary.prior()).isNull();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    List<Held> held = new ArrayList<>();
    SavepointReader.read(env, savepoint.toUri().toString())
        .readKeyedState(OperatorIdentifier.forUid(TimingTopology.UID_DECIDE), new ReadHeld())
        .executeAndCollect()
        .forEachRemaining(held::add);

    RecipientState expected = new RecipientState();
    expected.update(SignalType.CLICK, last.minus(Duration.ofDays(2)), CONFIG);
    expected.update(SignalType.CLICK, last, CONFIG);
    Instant old = until.minus(Duration.ofDays(90));
    RecipientState gone = new RecipientState();
    gone.update(SignalType.CLICK, old, CONFIG);
    assertThat(held)
        .containsExactlyInAnyOrder(
            new Held(
                "email:" + EMAIL_HASH,
                expected.toBytes(),
                last.toEpochMilli(),
                Set.of(DecideFunction.ttlCheckAt(last.toEpochMilli(), ttl))),
            // written like any other; its TTL timer is long due, so the job forgets it at once
            new Held(
                "u-gone",
                gone.toBytes(),
                old.toEpochMilli(),
                Set.of(DecideFunction.ttlCheckAt(old.toEpochMilli(), ttl))));
    assertThat(DecideFunction.ttlCheckAt(old.toEpochMilli(), ttl)).isLessThan(until.toEpochMilli());
  }

  @Test
  void refusesADirectoryThatHoldsASavepointAndAHistoryWithNothingToLearn() throws Exception {
    Instant until = Instant.parse("2026-06-01T00:00:00Z");
    Path savepoint = tmp.resolve("sp");
    Files.createDirectories(savepoint);
    Files.writeString(savepoint.resolve("_metadata"), "x");
    Path signals = gzip(List.of(Contracts.toJson(click("c", until.minusSeconds(60), "u-a"))));
    assertThatThrownBy(
            () ->
                TimingBootstrap.run(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    new TimingBootstrap.Options(
                        signals, until, savepoint.toString(), null, Duration.ofDays(400)),
                    System.err))
        .isInstanceOf(TimingBootstrap.BootstrapException.class)
        .hasMessageContaining("already holds a savepoint");

    Path onlyLate = gzip(List.of(Contracts.toJson(click("c", until, "u-a")), "garbage"));
    assertThatThrownBy(
            () ->
                TimingBootstrap.run(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    new TimingBootstrap.Options(
                        onlyLate, until, tmp.resolve("new").toString(), null, Duration.ofDays(400)),
                    System.err))
        .isInstanceOf(TimingBootstrap.BootstrapException.class)
        .hasMessageContaining("no recipient learned")
        .hasMessageContaining("at_or_after_until=1")
        .hasMessageContaining("malformed_json=1");
  }

  @Test
  void refusesAGzipFileWhoseNameHidesIt() throws Exception {
    Instant until = Instant.parse("2026-06-01T00:00:00Z");
    Path hidden = tmp.resolve("history.jsonl");
    Files.move(gzip(List.of(Contracts.toJson(click("c", until.minusSeconds(60), "u-a")))), hidden);
    assertThatThrownBy(
            () ->
                TimingBootstrap.run(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    new TimingBootstrap.Options(
                        hidden, until, tmp.resolve("sp").toString(), null, Duration.ofDays(400)),
                    System.err))
        .isInstanceOf(TimingBootstrap.BootstrapException.class)
        .hasMessageContaining("gzip-compressed");
  }

  // ---- what the savepoint holds ----------------------------------------------------------------

  /** State as a list of bytes, so that records compare by content. */
  record Held(String recipient, List<Byte> state, long lastActivity, Set<Long> timers) {
    Held(String recipient, byte[] state, long lastActivity, Set<Long> timers) {
      this(recipient, bytes(state), lastActivity, timers);
    }

    static List<Byte> bytes(byte[] b) {
      List<Byte> out = new ArrayList<>(b.length);
      for (byte x : b) {
        out.add(x);
      }
      return out;
    }
  }

  static final class ReadHeld extends KeyedStateReaderFunction<String, Held> {
    private transient ValueState<RecipientState> state;
    private transient ValueState<Long> last;

    @Override
    public void open(OpenContext ctx) {
      state = getRuntimeContext().getState(DecideFunction.RECIPIENT_STATE);
      last = getRuntimeContext().getState(DecideFunction.LAST_ACTIVITY);
    }

    @Override
    public void readKey(String key, Context ctx, Collector<Held> out) throws Exception {
      RecipientState s = state.value();
      out.collect(
          new Held(key, s.toBytes(), last.value(), Set.copyOf(ctx.registeredEventTimeTimers())));
    }
  }

  // ---- the library, for the same history
  // ---------------------------------------------------------

  private static RecipientState learn(List<Signal> history) {
    RecipientState state = new RecipientState();
    for (Signal s : history) {
      state.update(s.knownType().orElseThrow(), s.occurredAt(), CONFIG);
    }
    return state;
  }

  private static TimingChoice library(
      Path priorFile, RecipientState state, TimingDecision d, Instant notBefore) {
    return ModelSpec.withPriorFile(priorFile)
        .engine()
        .decide(
            new DecisionRequest(
                d.universalId(),
                INTENT,
                d.createdAtUtc(),
                notBefore,
                d.notAfter(),
                state,
                null,
                LatencyTracker.withDefaults(DecideSettings.defaults().defaultLatency()),
                IntentPolicy.defaults(INTENT)));
  }

  // ---- history
  // -----------------------------------------------------------------------------------

  private static Signal click(String id, Instant at, String recipient) {
    return new Signal(id, "click", at, recipient, Map.of(), "test", Map.of());
  }

  /**
   * Clicks at about {@code minuteOfDay} UTC on each of the {@code days} days before {@code end}.
   */
  private static List<Signal> dailyHabit(String recipient, Instant end, int minuteOfDay, int days) {
    List<Signal> out = new ArrayList<>();
    Instant midnight = end.truncatedTo(ChronoUnit.DAYS);
    for (int d = days; d >= 1; d--) {
      Instant at = midnight.minus(Duration.ofDays(d)).plus(Duration.ofMinutes(minuteOfDay + d % 7));
      out.add(click(recipient + "-click-" + d, at, recipient));
    }
    return out;
  }

  private Path plain(List<String> lines) throws Exception {
    return Files.write(Files.createTempFile(tmp, "signals", ".jsonl"), lines);
  }

  private Path gzip(List<String> lines) throws Exception {
    Path file = Files.createTempFile(tmp, "signals", ".jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (String line : lines) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return file;
  }

  // ---- the running job
  // ---------------------------------------------------------------------------

  record Topics(
      String signals,
      String requests,
      String outcomes,
      String config,
      String decisions,
      String dead,
      String handoffs,
      String explanations) {
    static Topics fresh() {
      Topics t =
          new Topics(
              KAFKA.uniqueTopic("signals"),
              KAFKA.uniqueTopic("requests"),
              KAFKA.uniqueTopic("outcomes"),
              KAFKA.uniqueTopic("config"),
              KAFKA.uniqueTopic("decisions"),
              KAFKA.uniqueTopic("dead"),
              KAFKA.uniqueTopic("handoffs"),
              KAFKA.uniqueTopic("explanations"));
      KAFKA.createTopics(
          t.signals(),
          t.requests(),
          t.outcomes(),
          t.decisions(),
          t.dead(),
          t.handoffs(),
          t.explanations());
      KAFKA.createTopic(t.config(), 1, Map.of("cleanup.policy", "compact"));
      return t;
    }
  }

  private JobClient start(Topics t, Path savepoint, Path prior) throws Exception {
    Configuration restore = new Configuration();
    SavepointRestoreSettings.toConfiguration(
        SavepointRestoreSettings.forPath(savepoint.toUri().toString(), false), restore);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(restore);
    env.setParallelism(2);
    String group = "bootstrap-it-" + UUID.randomUUID();
    JobArgs args =
        JobArgs.parse(
            TimingJob.Topics.argv(
                new TimingJob.Topics(
                    t.signals(),
                    t.requests(),
                    t.outcomes(),
                    t.config(),
                    t.handoffs(),
                    t.decisions(),
                    t.explanations(),
                    t.dead()),
                "--kafka-bootstrap",
                KAFKA.bootstrapServers(),
                "--group-id",
                group,
                "--transactional-id-prefix",
                group,
                "--checkpoint-interval",
                "500ms",
                "--prior-file",
                prior.toString()),
            Map.of());
    TimingJob.wire(env, args);
    JobClient client = env.executeAsync("timing-bootstrapped");
    Instant deadline = Instant.now().plusSeconds(60);
    while (client.getJobStatus().get() != JobStatus.RUNNING) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the restored job is not running");
      }
      Thread.sleep(100);
    }
    return client;
  }

  private static void request(
      Topics t, String requestId, String recipient, Instant notBefore, Instant notAfter) {
    SendRequest r =
        new SendRequest(
            requestId, recipient, Map.of(), INTENT, notBefore, notAfter, null, Map.of());
    KAFKA.produce(t.requests(), recipient, Contracts.toJson(r));
  }

  private static TimingDecision awaitDecision(Topics t, String requestId) throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      for (ConsumerRecord<String, String> r :
          KAFKA.consumeAll(t.decisions(), Duration.ofSeconds(1))) {
        TimingDecision d = Contracts.parseDecision(r.value()).value();
        if (d.requestId().equals(requestId) && d.version() == 1) {
          return d;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        requestId
            + ": no decision; dead letters: "
            + KAFKA.consumeAll(t.dead(), Duration.ofSeconds(1)).stream()
                .map(ConsumerRecord::value)
                .toList());
  }
}
