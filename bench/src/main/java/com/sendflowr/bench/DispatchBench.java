package com.sendflowr.bench;

import static com.sendflowr.bench.BenchSupport.deleteRecursively;
import static com.sendflowr.bench.BenchSupport.jitCompileSeconds;
import static com.sendflowr.bench.BenchSupport.loadAverage;
import static com.sendflowr.bench.BenchSupport.processCpuSeconds;
import static com.sendflowr.bench.BenchSupport.round;
import static com.sendflowr.bench.BenchSupport.seconds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sendflowr.config.AccountSettings;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.CredentialStore;
import com.sendflowr.dispatch.DispatchJob;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.IterableSandbox;
import com.sendflowr.sandbox.esp.KlaviyoSandbox;
import com.sendflowr.sandbox.esp.RecordedCall;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The dispatch job's trigger precision, throughput and rate-limit pacing, measured on its real
 * topology ({@link DispatchJob#wire}, the call its main makes) against the Klaviyo sandbox, and for
 * the rate-limit phase an Iterable sandbox unless told otherwise.
 *
 * <p>How a run goes: an embedded broker and the sandboxes start; an intent per phase is bound on
 * the connector-config topic, each for its own account and API key, so the phases do not share a
 * rate limit or a circuit breaker; {@code pending} decisions due days ahead are produced; the job
 * starts on a local Flink runtime (RocksDB with incremental checkpoints, exactly-once outcomes) and
 * the run waits until its committed offsets cover them: from then on they are timers in RocksDB.
 * Then, one after the other, each phase produces its decisions and waits until each has a committed
 * outcome (read by a {@code read_committed} consumer):
 *
 * <ol>
 *   <li>precision: {@code dueInOneMinute} decisions with triggers spread evenly over a minute; each
 *       accepted event's arrival at the sandbox minus the trigger it carries is its lateness;
 *   <li>throughput: {@code throughputDecisions} decisions all due at the same instant, for an
 *       account whose limits are far above what the machine can do, after {@code warmupRounds}
 *       unmeasured warm-up rounds of {@code warmupDecisions} like it, through an account of their
 *       own;
 *   <li>rate limit: an account configured with {@code rateLimitPerSecond}, which its sandbox
 *       enforces (429 beyond it), and enough decisions due at once to last about 20 s at that
 *       limit. The account is an Iterable one by default ({@code rateLimitEsp}): Iterable has no
 *       batch endpoint, so each decision is one call and the account's configured limit is what
 *       paces them. Klaviyo dispatches due together leave in bulk create jobs paced to the bulk
 *       endpoint's own limits (10/s, 150/min), far below a per-event limit such as 350/s, so
 *       against Klaviyo the phase shows how far below it a batching dispatcher stays;
 *   <li>outage soak, when asked for: decisions due as the ESP starts answering 503 for {@code
 *       outageSeconds}, then recovers; with a lateness budget longer than the outage each should be
 *       delivered once after the recovery, with a shorter one handed back as expired.
 * </ol>
 *
 * Events are counted, not calls, so a batching dispatcher is measured the same way.
 */
public final class DispatchBench {
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(200);

  /** Without progress for this long, a phase is left as it is (its gaps show as missing). */
  private static final Duration STALL_LIMIT = Duration.ofMinutes(3);

  /**
   * Far above what one machine can do, the largest limits a binding may carry, on the per-event
   * endpoint and the bulk one alike: at Klaviyo's published bulk limits (10 jobs a second) a
   * thousand-event job every 100 ms would cap the phase at 10,000 events a second whatever the job
   * can do.
   */
  private static final AccountSettings UNLIMITED =
      new AccountSettings(
          null,
          new RateLimits(RateLimits.MAX_PER_SECOND, RateLimits.MAX_PER_MINUTE),
          new RateLimits(RateLimits.MAX_PER_SECOND, RateLimits.MAX_PER_MINUTE));

  /** Decisions per second the job reads at the least; see {@link #lead}. */
  private static final double MIN_READ_RATE = 1_000;

  /** The ESPs the rate-limit phase can run against. */
  static final List<String> RATE_LIMIT_ESPS = List.of(IterableSandbox.NAME, KlaviyoSandbox.NAME);

  /** The workflow an Iterable binding of the bench triggers. */
  private static final String BENCH_WORKFLOW_ID = "4242";

  /** The phases, each with its intent, account and API key (told apart by its last characters). */
  enum Phase {
    PENDING("bench_pending", "pk_bench_pending_key_0000"),
    PRECISION("bench_precision", "pk_bench_precision_key_0001"),
    THROUGHPUT("bench_throughput", "pk_bench_throughput_key_0002"),
    RATE_LIMIT("bench_rate_limit", "pk_bench_rate_limit_key_0003"),
    OUTAGE("bench_outage", "pk_bench_outage_key_0004"),
    WARMUP("bench_warmup", "pk_bench_warmup_key_0005");

    final String intent;
    final String apiKey;

    Phase(String intent, String apiKey) {
      this.intent = intent;
      this.apiKey = apiKey;
    }

    String account() {
      return "bench-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    String credentialRef() {
      return account();
    }

    String requestPrefix() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-";
    }

    /** The key as the sandbox records it: only its last four characters. */
    String keyTail() {
      return apiKey.substring(apiKey.length() - 4);
    }
  }

  /**
   * @param pending decisions due days ahead, timers throughout the run
   * @param dueInOneMinute decisions of the precision phase
   * @param dueSpread how their triggers are spread (a minute)
   * @param precisionRateLimitPerSecond the precision account's limit, null for the ESP's published
   * @param warmupDecisions decisions of an unmeasured round like the throughput phase, through an
   *     account of its own, just before it: a long-running job has compiled its hot code, and a
   *     phase of seconds would otherwise measure the JIT compiler
   * @param warmupRounds how many such rounds, one after the other: the compiler drops queued work
   *     for code that stopped running, so one round leaves much of it for the measured phase
   * @param throughputDecisions decisions of the throughput phase
   * @param rateLimitPerSecond the rate-limit account's limit, configured and enforced
   * @param rateLimitPerMinute its per-minute limit, configured and enforced
   * @param rateLimitDecisions decisions of the rate-limit phase
   * @param rateLimitEsp the rate-limit account's ESP, one of {@link DispatchBench#RATE_LIMIT_ESPS}
   * @param outageSeconds the outage soak: how long the ESP answers 503; 0 leaves the phase out
   * @param latenessBudgetSeconds the outage account's {@code max_lateness_seconds}
   * @param outageDecisions decisions of the outage soak, due as the outage begins
   */
  public record Options(
      long pending,
      int dueInOneMinute,
      Duration dueSpread,
      Integer precisionRateLimitPerSecond,
      Integer precisionRateLimitPerMinute,
      int warmupDecisions,
      int warmupRounds,
      int throughputDecisions,
      int rateLimitPerSecond,
      int rateLimitPerMinute,
      int rateLimitDecisions,
      String rateLimitEsp,
      int outageSeconds,
      int latenessBudgetSeconds,
      int outageDecisions,
      Duration checkpointInterval,
      int parallelism,
      MemorySize managedMemory) {
    public Options {
      if (pending < 0 || dueInOneMinute < 1 || throughputDecisions < 1 || rateLimitDecisions < 1) {
        throw new IllegalArgumentException(
            "--pending must not be negative; --due-in-one-minute, --throughput-decisions and"
                + " --rate-limit-decisions must be at least 1");
      }
      if (warmupDecisions < 0 || warmupRounds < 0) {
        throw new IllegalArgumentException(
            "--warmup-decisions and --warmup-rounds must not be negative");
      }
      if (rateLimitPerSecond < 1 || rateLimitPerMinute < 1 || parallelism < 1) {
        throw new IllegalArgumentException(
            "--rate-limit-per-second, --rate-limit-per-minute and --parallelism must be at least 1");
      }
      if (!RATE_LIMIT_ESPS.contains(rateLimitEsp)) {
        throw new IllegalArgumentException(
            "--rate-limit-esp must be one of " + String.join(", ", RATE_LIMIT_ESPS));
      }
      if ((precisionRateLimitPerSecond != null && precisionRateLimitPerSecond < 1)
          || (precisionRateLimitPerMinute != null && precisionRateLimitPerMinute < 1)) {
        throw new IllegalArgumentException("--precision-rate-limit-* must be at least 1");
      }
      if (outageSeconds < 0 || outageDecisions < 1) {
        throw new IllegalArgumentException(
            "--outage-seconds must not be negative, --outage-decisions at least 1");
      }
      if (latenessBudgetSeconds < 0 || latenessBudgetSeconds > IntentBinding.MAX_LATENESS_SECONDS) {
        throw new IllegalArgumentException(
            "--lateness-budget-seconds must be from 0 to " + IntentBinding.MAX_LATENESS_SECONDS);
      }
      if (dueSpread.isNegative()) {
        throw new IllegalArgumentException("--due-spread must not be negative");
      }
    }
  }

  private final Options options;
  private final PrintStream progress;

  /** {epoch millis, process CPU seconds}, sampled while the phases run. */
  private final List<double[]> cpuSamples = new ArrayList<>();

  public DispatchBench(Options options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  public DispatchBenchReport run() throws Exception {
    double loadStart = loadAverage();
    Path work = Files.createTempDirectory("sendflowr-bench-dispatch-");
    KafkaBrokerExtension kafka = new KafkaBrokerExtension();
    SandboxEsp klaviyo = null;
    SandboxEsp rateEsp = null;
    MiniCluster cluster = null;
    OutcomeWatcher watcher = null;
    try {
      say("starting an embedded Kafka broker and the sandboxes");
      kafka.start();
      klaviyo = SandboxEsp.start(0, Set.of());
      // The rate-limit phase's ESP: by default Iterable, whose every dispatch is one call.
      rateEsp =
          options.rateLimitEsp().equals(IterableSandbox.NAME)
              ? SandboxEsp.start(new IterableSandbox(Set.of(Phase.RATE_LIMIT.apiKey)))
              : klaviyo;
      AtomicLong callsSeen = new AtomicLong();
      for (SandboxEsp esp : sandboxes(klaviyo, rateEsp)) {
        esp.onCall(c -> callsSeen.incrementAndGet());
      }
      // The account's limit, enforced for its key as the vendor enforces it.
      rateEsp.enforceRateLimit(
          Phase.RATE_LIMIT.apiKey, options.rateLimitPerSecond(), options.rateLimitPerMinute());
      String decisions = kafka.uniqueTopic("decisions");
      String config = kafka.uniqueTopic("connector-config");
      String outcomes = kafka.uniqueTopic("dispatch-outcomes");
      String deadLetters = kafka.uniqueTopic("dead-letters");
      for (String t : List.of(decisions, outcomes, deadLetters)) {
        kafka.createTopic(t, options.parallelism(), Map.of());
      }
      kafka.createTopic(config, 1, Map.of("cleanup.policy", "compact"));
      String toKlaviyo = KlaviyoSandbox.NAME;
      bind(kafka, config, Phase.PENDING, toKlaviyo, AccountSettings.NONE, null);
      bind(
          kafka,
          config,
          Phase.PRECISION,
          toKlaviyo,
          limited(options.precisionRateLimitPerSecond(), options.precisionRateLimitPerMinute()),
          null);
      for (Phase unlimited : List.of(Phase.WARMUP, Phase.THROUGHPUT)) {
        bind(kafka, config, unlimited, toKlaviyo, UNLIMITED, null);
      }
      bind(
          kafka,
          config,
          Phase.RATE_LIMIT,
          options.rateLimitEsp(),
          limited(options.rateLimitPerSecond(), options.rateLimitPerMinute()),
          null);
      bind(
          kafka,
          config,
          Phase.OUTAGE,
          toKlaviyo,
          AccountSettings.NONE,
          options.latenessBudgetSeconds());

      Instant farAhead = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
      long pendingStart = System.nanoTime();
      produce(
          kafka,
          decisions,
          options.pending(),
          i ->
              decision(
                  Phase.PENDING,
                  i,
                  farAhead.plusMillis(i % Duration.ofDays(1).toMillis()),
                  Instant.now()),
          "pending decisions");
      say(
          String.format(
              "produced %,d pending decisions in %.1f s",
              options.pending(), seconds(System.nanoTime() - pendingStart)));

      Configuration flinkConfig = flinkConfiguration(work);
      cluster =
          new MiniCluster(
              new MiniClusterConfiguration.Builder()
                  .setConfiguration(flinkConfig)
                  .setNumTaskManagers(1)
                  .setNumSlotsPerTaskManager(options.parallelism())
                  .build());
      cluster.start();
      say("local Flink runtime at " + cluster.getRestAddress().get());
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig);
      env.setParallelism(options.parallelism());
      String group = "bench-dispatch-" + UUID.randomUUID();
      wire(env, kafka, klaviyo, rateEsp, decisions, config, outcomes, deadLetters, group);
      JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
      awaitRunning(cluster, job);
      long running = System.nanoTime();
      double cpuAtRunning = processCpuSeconds();
      say(String.format("job running (rocksdb, parallelism %d)", options.parallelism()));

      watcher = new OutcomeWatcher(kafka, outcomes, deadLetters);
      watcher.start();

      // Pending: read (offsets committed) before anything falls due.
      long readStart = System.nanoTime();
      awaitCommitted(
          kafka, cluster, job, group, decisions, options.pending(), "pending decisions read");
      double readSeconds = seconds(System.nanoTime() - readStart);
      double readRate = options.pending() > 0 ? options.pending() / readSeconds : 0;
      say(
          String.format(
              "%,d pending decisions read and committed in %.1f s",
              options.pending(), readSeconds));

      // a. Precision.
      int n = options.dueInOneMinute();
      Instant first = Instant.now().plusSeconds(10);
      long spreadMillis = options.dueSpread().toMillis();
      produce(
          kafka,
          decisions,
          n,
          i -> decision(Phase.PRECISION, i, first.plusMillis(i * spreadMillis / n), Instant.now()),
          "precision decisions");
      say(
          String.format(
              "precision: %,d decisions due from %s over %d s",
              n, first, options.dueSpread().toSeconds()));
      awaitOutcomes(cluster, job, watcher, callsSeen, Phase.PRECISION, n, first);

      // b. Throughput: triggers far enough ahead that the job has read them all by then; first the
      // same, unmeasured, so the code the phase runs is compiled as in a job that has run a while.
      int w = options.warmupDecisions();
      for (int round = 0; w > 0 && round < options.warmupRounds(); round++) {
        Instant warm = Instant.now().plus(lead(w, readRate));
        produceDueAt(kafka, decisions, Phase.WARMUP, (long) round * w, w, warm);
        say(
            String.format(
                "warm-up %d of %d: %,d decisions all due at %s (not measured)",
                round + 1, options.warmupRounds(), w, warm));
        double compiledBefore = jitCompileSeconds();
        awaitOutcomes(cluster, job, watcher, callsSeen, Phase.WARMUP, (round + 1) * w, warm);
        say(
            String.format(
                "  JIT compile time during the round: %.1f s",
                jitCompileSeconds() - compiledBefore));
      }
      int t = options.throughputDecisions();
      Duration lead = lead(t, readRate);
      Instant together = Instant.now().plus(lead);
      produceDueAt(kafka, decisions, Phase.THROUGHPUT, 0, t, together);
      say(String.format("throughput: %,d decisions all due at %s", t, together));
      awaitOutcomes(cluster, job, watcher, callsSeen, Phase.THROUGHPUT, t, together);

      // c. Rate limit.
      int r = options.rateLimitDecisions();
      Instant atOnce = Instant.now().plus(lead(r, readRate));
      produceDueAt(kafka, decisions, Phase.RATE_LIMIT, 0, r, atOnce);
      say(
          String.format(
              "rate limit: %,d decisions all due at %s, the %s account limited to %d/s and"
                  + " %d/min",
              r,
              atOnce,
              options.rateLimitEsp(),
              options.rateLimitPerSecond(),
              options.rateLimitPerMinute()));
      awaitOutcomes(cluster, job, watcher, callsSeen, Phase.RATE_LIMIT, r, atOnce);

      // d. Outage soak: the ESP answers 503 from just before the decisions fall due, then recovers.
      Outage outage = null;
      if (options.outageSeconds() > 0) {
        int o = options.outageDecisions();
        Instant due = Instant.now().plus(lead(o, readRate));
        produceDueAt(kafka, decisions, Phase.OUTAGE, 0, o, due);
        say(
            String.format(
                "outage: %,d decisions due at %s; the ESP answers 503 for %d s from 2 s before,"
                    + " lateness budget %d s",
                o, due, options.outageSeconds(), options.latenessBudgetSeconds()));
        sleepUntil(due.minusSeconds(2));
        klaviyo.faults().always().status(503);
        Instant from = Instant.now();
        sleepUntil(from.plusSeconds(options.outageSeconds()));
        klaviyo.faults().clear();
        Instant to = Instant.now();
        say("  the ESP has recovered");
        outage = new Outage(from, to);
        awaitOutcomes(cluster, job, watcher, callsSeen, Phase.OUTAGE, o, due);
      }
      double elapsed = seconds(System.nanoTime() - running);
      double cpu = processCpuSeconds() - cpuAtRunning;

      // Whatever the last checkpoint still had to commit.
      watcher.awaitQuiet(options.checkpointInterval().multipliedBy(2).plusSeconds(2));
      watcher.finish();
      CheckpointStatsSnapshot checkpoints =
          cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
      cluster.cancelJob(job).get(60, TimeUnit.SECONDS);

      return report(klaviyo, rateEsp, watcher, lead, outage, checkpoints, elapsed, cpu, loadStart);
    } finally {
      if (watcher != null) {
        watcher.stopQuietly();
      }
      if (cluster != null) {
        cluster.close();
      }
      if (rateEsp != null && rateEsp != klaviyo) {
        rateEsp.close();
      }
      if (klaviyo != null) {
        klaviyo.close();
      }
      kafka.stop();
      deleteRecursively(work);
    }
  }

  // ---- the report -----------------------------------------------------------------------------

  private DispatchBenchReport report(
      SandboxEsp klaviyo,
      SandboxEsp rateEsp,
      OutcomeWatcher watcher,
      Duration throughputLead,
      Outage outage,
      CheckpointStatsSnapshot checkpoints,
      double elapsed,
      double cpu,
      double loadStart) {
    // Every phase's events and calls, whichever sandbox received them.
    List<SandboxEsp> sandboxes = sandboxes(klaviyo, rateEsp);
    List<AcceptedEvent> events = new ArrayList<>();
    List<RecordedCall> calls = new ArrayList<>();
    long throttled = 0;
    long duplicates = 0;
    for (SandboxEsp esp : sandboxes) {
      events.addAll(esp.events());
      calls.addAll(esp.calls());
      throttled += esp.rateLimitedCalls();
      duplicates += esp.duplicateUniqueIds();
    }

    TimingJobBench.Samples lateness = new TimingJobBench.Samples();
    Map<Phase, Set<String>> delivered = new HashMap<>();
    for (AcceptedEvent e : events) {
      String request = e.properties().path("sendflowr_request_id").asText("");
      Phase phase = phaseOf(request);
      if (phase == null) {
        continue;
      }
      delivered.computeIfAbsent(phase, p -> new HashSet<>()).add(request);
      if (phase == Phase.PRECISION) {
        Instant trigger =
            Instant.parse(e.properties().path("sendflowr_trigger_timestamp_utc").asText());
        lateness.add(Duration.between(trigger, e.receivedAt()).toMillis());
      }
    }
    long precisionEvents = count(events, Phase.PRECISION);

    // Throughput: accepted events after the first accepted call, over first to last accepted call.
    List<RecordedCall> throughputCalls = accepted(calls, Phase.THROUGHPUT);
    double dispatchesPerSecond = 0;
    Double dispatchesPerCpuSecond = null;
    Double throughputJitCompileSeconds = null;
    if (throughputCalls.size() > 1) {
      Instant from = throughputCalls.get(0).receivedAt();
      Instant to = throughputCalls.get(throughputCalls.size() - 1).receivedAt();
      long afterFirst =
          events.stream()
              .filter(e -> phaseOf(e) == Phase.THROUGHPUT && e.receivedAt().isAfter(from))
              .count();
      double span = Duration.between(from, to).toNanos() / 1e9;
      dispatchesPerSecond = span > 0 ? afterFirst / span : 0;
      double cpuSeconds = cpuBetween(from, to);
      dispatchesPerCpuSecond = cpuSeconds > 0 ? round(afterFirst / cpuSeconds) : null;
      double compiling = jitCompileBetween(from, to);
      throughputJitCompileSeconds = Double.isFinite(compiling) ? round(compiling) : null;
    }

    // Rate limit: the phase's calls at its own sandbox; one event each against Iterable.
    List<RecordedCall> rateCalls = accepted(calls, Phase.RATE_LIMIT);
    long rate429 =
        calls.stream().filter(c -> phaseOf(c) == Phase.RATE_LIMIT && c.status() == 429).count();
    double rateCallsPerSecond = 0;
    if (rateCalls.size() > 1) {
      double span =
          Duration.between(
                      rateCalls.get(0).receivedAt(),
                      rateCalls.get(rateCalls.size() - 1).receivedAt())
                  .toNanos()
              / 1e9;
      rateCallsPerSecond = span > 0 ? (rateCalls.size() - 1) / span : 0;
    }

    long missing = 0;
    long withoutOutcome = 0;
    for (Phase phase :
        List.of(Phase.PRECISION, Phase.WARMUP, Phase.THROUGHPUT, Phase.RATE_LIMIT, Phase.OUTAGE)) {
      Set<String> seen = delivered.getOrDefault(phase, Set.of());
      for (int i = 0; i < decisionsOf(phase); i++) {
        String request = requestId(phase, i);
        boolean outcome = watcher.hasOutcome(request);
        if (!outcome) {
          withoutOutcome++;
          if (!seen.contains(request)) {
            missing++;
          }
        }
      }
    }

    Integer outageDeliveredOnce = null;
    Long outageCallsDuring = null;
    Double outageRecoverySeconds = null;
    if (outage != null) {
      Map<String, Long> perRequest = new HashMap<>();
      Instant last = null;
      for (AcceptedEvent e : events) {
        if (phaseOf(e) == Phase.OUTAGE) {
          perRequest.merge(e.properties().path("sendflowr_request_id").asText(), 1L, Long::sum);
          last = last == null || e.receivedAt().isAfter(last) ? e.receivedAt() : last;
        }
      }
      outageDeliveredOnce = (int) perRequest.values().stream().filter(c -> c == 1).count();
      outageCallsDuring =
          calls.stream()
              .filter(
                  c ->
                      phaseOf(c) == Phase.OUTAGE
                          && !c.receivedAt().isBefore(outage.from())
                          && c.receivedAt().isBefore(outage.to()))
              .count();
      outageRecoverySeconds =
          last == null ? null : round(Duration.between(outage.to(), last).toMillis() / 1000.0);
    }
    Map<String, Long> outageStates = watcher.states(Phase.OUTAGE);

    return new DispatchBenchReport(
        "dispatch",
        "rocksdb",
        Runtime.getRuntime().availableProcessors(),
        options.parallelism(),
        options.checkpointInterval().toMillis(),
        options.pending(),
        options.dueInOneMinute(),
        round(options.dueSpread().toMillis() / 1000.0),
        options.precisionRateLimitPerSecond(),
        options.precisionRateLimitPerMinute(),
        precisionEvents,
        lateness.percentile(50),
        lateness.percentile(99),
        lateness.percentile(100),
        lateness.percentile(0),
        options.warmupDecisions(),
        options.warmupRounds(),
        options.throughputDecisions(),
        count(events, Phase.THROUGHPUT),
        calls.stream().filter(c -> phaseOf(c) == Phase.THROUGHPUT).count(),
        round(throughputLead.toMillis() / 1000.0),
        round(dispatchesPerSecond),
        dispatchesPerCpuSecond,
        throughputJitCompileSeconds,
        options.rateLimitPerSecond(),
        options.rateLimitPerMinute(),
        options.rateLimitDecisions(),
        options.rateLimitEsp(),
        count(events, Phase.RATE_LIMIT),
        rateCalls.size(),
        round(rateCallsPerSecond),
        Math.round(rateCallsPerSecond / options.rateLimitPerSecond() * 1000) / 1000.0,
        rate429,
        throttled,
        outage == null ? null : options.outageSeconds(),
        outage == null ? null : options.latenessBudgetSeconds(),
        outage == null ? null : options.outageDecisions(),
        outageDeliveredOnce,
        outage == null ? null : outageStates.getOrDefault("expired", 0L),
        outage == null ? null : outageStates.getOrDefault("possibly_sent", 0L),
        outageCallsDuring,
        outageRecoverySeconds,
        calls.size(),
        events.size(),
        duplicates,
        missing,
        withoutOutcome,
        watcher.states(),
        watcher.deadLetters(),
        checkpoints.getCounts().getNumberOfCompletedCheckpoints(),
        checkpoints.getCounts().getNumberOfFailedCheckpoints(),
        checkpoints.getSummaryStats().getEndToEndDurationStats().getMaximum(),
        round(elapsed),
        round(cpu),
        round(loadStart),
        round(loadAverage()));
  }

  private int decisionsOf(Phase phase) {
    return switch (phase) {
      case PRECISION -> options.dueInOneMinute();
      case WARMUP -> options.warmupDecisions() * options.warmupRounds();
      case THROUGHPUT -> options.throughputDecisions();
      case RATE_LIMIT -> options.rateLimitDecisions();
      case OUTAGE -> options.outageSeconds() > 0 ? options.outageDecisions() : 0;
      case PENDING -> 0;
    };
  }

  private static long count(List<AcceptedEvent> events, Phase phase) {
    return events.stream().filter(e -> phaseOf(e) == phase).count();
  }

  /** The phase's calls the sandbox accepted (2xx), in arrival order. */
  private static List<RecordedCall> accepted(List<RecordedCall> calls, Phase phase) {
    return calls.stream()
        .filter(c -> phaseOf(c) == phase && c.status() / 100 == 2)
        .sorted(Comparator.comparing(RecordedCall::receivedAt))
        .toList();
  }

  private static Phase phaseOf(AcceptedEvent e) {
    return phaseOf(e.properties().path("sendflowr_request_id").asText(""));
  }

  /** By the key the call carried (Klaviyo's {@code Authorization}, Iterable's {@code Api-Key}). */
  private static Phase phaseOf(RecordedCall call) {
    String key = call.header("Authorization");
    if (key == null) {
      key = call.header("Api-Key");
    }
    if (key == null) {
      return null;
    }
    for (Phase p : Phase.values()) {
      if (key.endsWith(p.keyTail())) {
        return p;
      }
    }
    return null;
  }

  /** The run's sandboxes, each once: the Klaviyo one and the rate-limit phase's, if another. */
  private static List<SandboxEsp> sandboxes(SandboxEsp klaviyo, SandboxEsp rateEsp) {
    return rateEsp == klaviyo ? List.of(klaviyo) : List.of(klaviyo, rateEsp);
  }

  static Phase phaseOf(String requestId) {
    for (Phase p : Phase.values()) {
      if (requestId.startsWith(p.requestPrefix())) {
        return p;
      }
    }
    return null;
  }

  // ---- the load -------------------------------------------------------------------------------

  static String requestId(Phase phase, long i) {
    return phase.requestPrefix() + i;
  }

  /** A first decision (version 1) for one recipient, as the timing job would write it. */
  static TimingDecision decision(Phase phase, long i, Instant trigger, Instant createdAt) {
    String requestId = requestId(phase, i);
    String decisionId = "dec-" + requestId + "-v1";
    Instant target = trigger.plusSeconds(60);
    return new TimingDecision(
        decisionId,
        requestId,
        phase.intent,
        "bench-u" + i,
        1,
        DecisionStatus.SCHEDULED,
        null,
        MinuteOfWeek.of(target),
        target,
        trigger,
        60.0,
        "configured_default",
        0.5,
        "bench",
        "expl-" + decisionId,
        createdAt,
        trigger.plus(Duration.ofHours(1)),
        Map.of("email", "bench-u" + i + "@example.com"),
        null);
  }

  /** The intent's binding to {@code esp} (Klaviyo or Iterable), for an account of its own. */
  private static void bind(
      KafkaBrokerExtension kafka,
      String topic,
      Phase phase,
      String esp,
      AccountSettings account,
      Integer maxLatenessSeconds) {
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("esp", esp);
    snapshot.put("account", phase.account());
    snapshot.put("credential_ref", phase.credentialRef());
    if (esp.equals(IterableSandbox.NAME)) {
      snapshot.put("workflow_id", BENCH_WORKFLOW_ID);
    } else {
      snapshot.put("metric_name", "SendFlowr Bench " + phase.intent);
    }
    snapshot.putAll(account.toSnapshot());
    if (maxLatenessSeconds != null) {
      snapshot.put("max_lateness_seconds", maxLatenessSeconds);
    }
    ConfigChange binding =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE, phase.intent, 1, Instant.now(), false, snapshot);
    kafka.produce(topic, binding.key(), Contracts.toJson(binding));
  }

  /** An account with these per-event limits (either may be null: the ESP's published one). */
  private static AccountSettings limited(Integer perSecond, Integer perMinute) {
    return new AccountSettings(null, new RateLimits(perSecond, perMinute));
  }

  private interface DecisionOf {
    TimingDecision make(long i);
  }

  private void produce(
      KafkaBrokerExtension kafka, String topic, long n, DecisionOf decisionOf, String what) {
    Properties props = new Properties();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
    long tenth = Math.max(100_000, n / 10);
    try (KafkaProducer<String, String> producer = kafka.newProducer(props)) {
      for (long i = 0; i < n; i++) {
        TimingDecision d = decisionOf.make(i);
        producer.send(new ProducerRecord<>(topic, d.requestId(), Contracts.toJson(d)));
        if ((i + 1) % tenth == 0) {
          say(String.format("  produced %,d %s", i + 1, what));
        }
      }
      producer.flush();
    }
  }

  /**
   * How far ahead to set triggers that must all be read before they fall due: twice the time the
   * job took per pending decision, and 10 s for the first checkpoint's worth of reading. A small
   * pending load is read at the pace of start-up and checkpoints rather than the job's, so the rate
   * is taken as at least {@link #MIN_READ_RATE}.
   */
  /**
   * Produces {@code n} decisions of the phase, numbered from {@code first}, all due at the same
   * instant.
   */
  private void produceDueAt(
      KafkaBrokerExtension kafka, String topic, Phase phase, long first, int n, Instant due) {
    produce(
        kafka,
        topic,
        n,
        i -> decision(phase, first + i, due, Instant.now()),
        phase.intent + " decisions");
  }

  private static Duration lead(int decisions, double readRate) {
    double seconds = 10 + 2.0 * decisions / Math.max(readRate, MIN_READ_RATE);
    return Duration.ofMillis((long) (Math.min(seconds, 300) * 1000));
  }

  // ---- the job --------------------------------------------------------------------------------

  /** Defines the job on {@code env} exactly as {@code DispatchJob.main} would with these flags. */
  private void wire(
      StreamExecutionEnvironment env,
      KafkaBrokerExtension kafka,
      SandboxEsp klaviyo,
      SandboxEsp rateEsp,
      String decisions,
      String config,
      String outcomes,
      String deadLetters,
      String group) {
    List<String> argv = new ArrayList<>();
    add(argv, "kafka-bootstrap", kafka.bootstrapServers());
    add(argv, "decisions-topic", decisions);
    add(argv, "connector-config-topic", config);
    add(argv, "outcomes-topic", outcomes);
    add(argv, "dead-letters-topic", deadLetters);
    add(argv, "klaviyo-base-url", klaviyo.baseUrl());
    if (rateEsp != klaviyo) {
      add(argv, rateEsp.vendor().name() + "-base-url", rateEsp.baseUrl());
    }
    add(argv, "group-id", group);
    add(argv, "transactional-id-prefix", group);
    add(argv, "checkpoint-interval", options.checkpointInterval().toMillis() + "ms");
    Map<String, String> keys = new HashMap<>();
    for (Phase p : Phase.values()) {
      keys.put(p.credentialRef(), p.apiKey);
    }
    // Only these flags: a developer's SENDFLOWR_* environment must not change what is measured.
    DispatchJob.wire(
        env, JobArgs.parse(argv.toArray(String[]::new), Map.of()), CredentialStore.of(keys));
  }

  private static void add(List<String> argv, String name, String value) {
    argv.add("--" + name);
    argv.add(value);
  }

  /** RocksDB with incremental checkpoints, as production runs; files in the run's directory. */
  private Configuration flinkConfiguration(Path work) {
    Configuration c = new Configuration();
    c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    c.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    c.set(RocksDBOptions.LOCAL_DIRECTORIES, work.resolve("rocksdb").toString());
    c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, options.managedMemory());
    c.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
    c.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
    c.set(RestOptions.BIND_PORT, "0");
    return c;
  }

  private static void awaitRunning(MiniCluster cluster, JobID job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (cluster.getJobStatus(job).get() != JobStatus.RUNNING) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the job is " + cluster.getJobStatus(job).get());
      }
      Thread.sleep(20);
    }
  }

  // ---- waiting --------------------------------------------------------------------------------

  /** Until the job's committed offsets of the decisions topic reach {@code expected}. */
  private void awaitCommitted(
      KafkaBrokerExtension kafka,
      MiniCluster cluster,
      JobID job,
      String group,
      String topic,
      long expected,
      String what)
      throws Exception {
    long last = -1;
    long lastChange = System.nanoTime();
    long tenth = Math.max(1, expected / 10);
    try (Admin admin = kafka.admin()) {
      while (true) {
        long committed = committed(admin, group, topic);
        if (committed != last) {
          if (last >= 0 && committed / tenth != last / tenth) {
            say(String.format("  %,d %s", committed, what));
          }
          last = committed;
          lastChange = System.nanoTime();
        }
        if (committed >= expected) {
          return;
        }
        failOnJobFailure(cluster, job, what + ": " + committed);
        if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
          throw new IllegalStateException(
              "no progress for " + STALL_LIMIT + " (" + what + ": " + committed + ")");
        }
        Thread.sleep(SAMPLE_EVERY.toMillis());
      }
    }
  }

  private static long committed(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /**
   * Until every decision of the phase has a committed outcome; a phase that makes no progress for
   * {@link #STALL_LIMIT} after its first trigger is left as it is, and its gaps show in the report.
   */
  private void awaitOutcomes(
      MiniCluster cluster,
      JobID job,
      OutcomeWatcher watcher,
      AtomicLong callsSeen,
      Phase phase,
      int expected,
      Instant firstDue)
      throws Exception {
    long seen = watcher.outcomes(phase) + callsSeen.get();
    // Nothing happens before the first trigger: the stall clock starts then (a first look that
    // counted as progress would start it now, and a lead longer than the stall limit would end the
    // phase before its decisions fall due).
    long lastChange =
        System.nanoTime() + Math.max(0, Duration.between(Instant.now(), firstDue).toNanos());
    long lastSaid = System.nanoTime();
    while (true) {
      long outcomes = watcher.outcomes(phase);
      cpuSamples.add(
          new double[] {System.currentTimeMillis(), processCpuSeconds(), jitCompileSeconds()});
      long progress = outcomes + callsSeen.get();
      if (progress != seen) {
        seen = progress;
        lastChange = System.nanoTime();
      }
      if (outcomes >= expected) {
        say(String.format("  %s: %,d outcomes committed", phase.intent, outcomes));
        return;
      }
      failOnJobFailure(cluster, job, phase.intent + " outcomes: " + outcomes);
      if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
        say(
            String.format(
                "  %s: no progress for %s, %,d of %,d outcomes; moving on",
                phase.intent, STALL_LIMIT, outcomes, expected));
        return;
      }
      if (System.nanoTime() - lastSaid > Duration.ofSeconds(10).toNanos()) {
        say(String.format("  %s: %,d of %,d outcomes committed", phase.intent, outcomes, expected));
        lastSaid = System.nanoTime();
      }
      Thread.sleep(SAMPLE_EVERY.toMillis());
    }
  }

  private static void failOnJobFailure(MiniCluster cluster, JobID job, String what)
      throws Exception {
    JobStatus status = cluster.getJobStatus(job).get();
    if (status.isGloballyTerminalState() || status == JobStatus.FAILING) {
      throw new IllegalStateException("the job is " + status + " (" + what + ")");
    }
  }

  /**
   * Reads outcomes as the timing job would ({@code read_committed}): which requests have one, how
   * many per phase, how many per state; and counts dead letters.
   */
  private static final class OutcomeWatcher extends Thread {
    private final KafkaConsumer<String, String> consumer;
    private final String outcomesTopic;
    private final Set<String> requests = ConcurrentHashMap.newKeySet();
    private final Map<Phase, AtomicLong> perPhase = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> perState = new ConcurrentHashMap<>();
    private final Map<Phase, Map<String, AtomicLong>> perPhaseState = new ConcurrentHashMap<>();
    private final AtomicLong deadLetters = new AtomicLong();
    private volatile long lastRecordNanos = System.nanoTime();
    private volatile boolean stop;
    private volatile Exception failure;

    OutcomeWatcher(KafkaBrokerExtension kafka, String outcomes, String deadLetters) {
      super("bench-outcomes");
      setDaemon(true);
      this.outcomesTopic = outcomes;
      this.consumer = kafka.newConsumer(new Properties());
      List<TopicPartition> partitions = new ArrayList<>();
      for (String t : List.of(outcomes, deadLetters)) {
        consumer
            .partitionsFor(t)
            .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    @Override
    public void run() {
      try (consumer) {
        while (!stop) {
          var batch = consumer.poll(Duration.ofMillis(100));
          for (ConsumerRecord<String, String> r : batch) {
            lastRecordNanos = System.nanoTime();
            if (!r.topic().equals(outcomesTopic)) {
              deadLetters.incrementAndGet();
              continue;
            }
            String[] fields = topLevelText(r.value(), "request_id", "state");
            String request = fields[0] == null ? "" : fields[0];
            String state = fields[1] == null ? "?" : fields[1];
            perState.computeIfAbsent(state, s -> new AtomicLong()).incrementAndGet();
            Phase phase = phaseOf(request);
            if (phase != null && requests.add(request)) {
              perPhase.computeIfAbsent(phase, p -> new AtomicLong()).incrementAndGet();
              perPhaseState
                  .computeIfAbsent(phase, p -> new ConcurrentHashMap<>())
                  .computeIfAbsent(state, x -> new AtomicLong())
                  .incrementAndGet();
            }
          }
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    /**
     * The text of the named top-level fields of a JSON object (null where absent), read without
     * building the object: the watcher reads every outcome of the run while the job is measured on
     * the same cores, so it should cost as little as it can.
     */
    static String[] topLevelText(String json, String... names) throws IOException {
      String[] values = new String[names.length];
      try (JsonParser p = Contracts.mapper().getFactory().createParser(json)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("an outcome is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          int i = List.of(names).indexOf(field);
          if (i >= 0 && value == JsonToken.VALUE_STRING) {
            values[i] = p.getText();
          } else {
            p.skipChildren();
          }
        }
      }
      return values;
    }

    /** Distinct requests of the phase with an outcome. */
    long outcomes(Phase phase) {
      AtomicLong n = perPhase.get(phase);
      return n == null ? 0 : n.get();
    }

    boolean hasOutcome(String request) {
      return requests.contains(request);
    }

    Map<String, Long> states() {
      Map<String, Long> m = new TreeMap<>();
      perState.forEach((k, v) -> m.put(k, v.get()));
      return m;
    }

    long deadLetters() {
      return deadLetters.get();
    }

    /** The phase's first outcome per request, by state. */
    Map<String, Long> states(Phase phase) {
      Map<String, Long> m = new TreeMap<>();
      perPhaseState.getOrDefault(phase, Map.of()).forEach((k, v) -> m.put(k, v.get()));
      return m;
    }

    void awaitQuiet(Duration quiet) throws InterruptedException {
      while (System.nanoTime() - lastRecordNanos < quiet.toNanos()) {
        Thread.sleep(SAMPLE_EVERY.toMillis());
      }
    }

    void finish() throws Exception {
      stop = true;
      join();
      if (failure != null) {
        throw new IllegalStateException("reading outcomes failed", failure);
      }
    }

    void stopQuietly() {
      stop = true;
    }
  }

  /**
   * CPU the process used over at least {@code [from, to]}: between the last sample before and the
   * first after (so a little more than the span); NaN without such samples.
   */
  private double cpuBetween(Instant from, Instant to) {
    return sampledBetween(from, to, 1);
  }

  /** Time the JIT compilers spent over at least {@code [from, to]}, sampled as CPU is. */
  private double jitCompileBetween(Instant from, Instant to) {
    return sampledBetween(from, to, 2);
  }

  private double sampledBetween(Instant from, Instant to, int column) {
    double[] before = null;
    double[] after = null;
    for (double[] s : cpuSamples) {
      if (s[0] <= from.toEpochMilli()) {
        before = s;
      }
      if (after == null && s[0] >= to.toEpochMilli()) {
        after = s;
      }
    }
    return before == null || after == null ? Double.NaN : after[column] - before[column];
  }

  /** When the outage soak's 503s began and ended. */
  record Outage(Instant from, Instant to) {}

  private static void sleepUntil(Instant at) throws InterruptedException {
    long millis = Duration.between(Instant.now(), at).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private void say(String line) {
    progress.println(line);
    progress.flush();
  }
}
