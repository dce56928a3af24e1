package com.sendflowr.bench;

import static com.sendflowr.bench.BenchSupport.deleteRecursively;
import static com.sendflowr.bench.BenchSupport.loadAverage;
import static com.sendflowr.bench.BenchSupport.processCpuSeconds;
import static com.sendflowr.bench.BenchSupport.round;
import static com.sendflowr.bench.BenchSupport.seconds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.testkit.KafkaBrokerExtension;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions;
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
 * The timing job's throughput, latency and state size, measured on its real topology.
 *
 * <p>How a run goes: an embedded broker starts; {@code signals} signals for {@code recipients}
 * recipients are produced before the job starts (a backlog, so the job reads as fast as it can),
 * or, with a {@code signalRate}, at that rate while it runs; the job starts on a local Flink
 * runtime with exactly-once Kafka sinks, checkpoints and the chosen state backend; while it
 * processes the signals, send requests arrive at {@code requestRate} per second, and a {@code
 * read_committed} consumer reads the decisions. When the signals' offsets are committed (a
 * checkpoint covers them, so everything they caused is committed too) the requests stop; once every
 * request's first decision is visible, one full checkpoint is taken and its size and duration are
 * read from the checkpoint statistics (those Flink's REST API serves at {@code
 * /jobs/:id/checkpoints}).
 */
public final class TimingJobBench {
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
  private static final Duration METRICS_REFRESH = Duration.ofSeconds(1);

  /** Without progress for this long, the run is reported as failed instead of hanging. */
  private static final Duration STALL_LIMIT = Duration.ofMinutes(3);

  /** The state backends a run can use. */
  public enum Backend {
    ROCKSDB,
    HASHMAP;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Backend> fromWire(String v) {
      return Arrays.stream(values()).filter(b -> b.wire().equals(v)).findFirst();
    }
  }

  /** What runs on the signals: the timing job, or the floor under it ({@link FloorJob}). */
  public enum Topology {
    TIMING_JOB,
    FLOOR;

    public String wire() {
      return this == TIMING_JOB ? "timing-job" : "timing-job-floor";
    }
  }

  /**
   * @param topology the timing job, or the floor: the same source, keyed state and exactly-once
   *     sink with none of the job's own work (it decides nothing, so {@code requestRate} is 0)
   * @param signalRate signals per second produced while the job runs; 0 to pre-load them all as a
   *     backlog the job drains as fast as it can
   * @param requestRate send requests per second until the signals are processed; 0 for signals only
   * @param changelog Flink's changelog state backend on top of {@code stateBackend}: a checkpoint
   *     uploads the log of state changes since the last one, and the backend materialises its own
   *     incremental snapshot in the background (every 10 minutes by default)
   * @param steadyFrom the steady-state figures start at the commit that covers this share of the
   *     signals: start-up and JIT compilation before it are left out
   * @param flinkConfig Flink configuration set on top of the run's own (state backend tuning)
   * @param hotPathShare share of signals that are fresh site visits, a hot path of the requests'
   *     intent
   */
  public record Options(
      Topology topology,
      int recipients,
      long signals,
      Backend stateBackend,
      boolean changelog,
      int signalRate,
      int requestRate,
      double hotPathShare,
      Duration checkpointInterval,
      int parallelism,
      MemorySize managedMemory,
      long seed,
      double steadyFrom,
      Map<String, String> flinkConfig) {
    public Options {
      if (recipients < 1 || signals < recipients) {
        throw new IllegalArgumentException(
            "--recipients must be at least 1 and --signals at least --recipients (every recipient"
                + " has a history)");
      }
      if (signalRate < 0 || requestRate < 0 || parallelism < 1) {
        throw new IllegalArgumentException(
            "--signal-rate and --request-rate must not be negative, --parallelism must be at least"
                + " 1");
      }
      if (!(steadyFrom >= 0 && steadyFrom < 1)) {
        throw new IllegalArgumentException("--steady-from must be in [0, 1)");
      }
      if (topology == Topology.FLOOR && requestRate != 0) {
        throw new IllegalArgumentException(
            "the floor decides nothing: --request-rate must be 0 with --topology floor");
      }
      if (!(hotPathShare >= 0 && hotPathShare <= 1)) {
        throw new IllegalArgumentException("--hot-path-share must be in [0, 1]");
      }
    }
  }

  private final Options options;
  private final PrintStream progress;

  public TimingJobBench(Options options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  public TimingJobReport run() throws Exception {
    double loadStart = loadAverage();
    Path work = Files.createTempDirectory("sendflowr-bench-");
    KafkaBrokerExtension kafka = new KafkaBrokerExtension();
    MiniCluster cluster = null;
    try {
      say("starting an embedded Kafka broker");
      kafka.start();
      BenchJob.Topics topics = BenchJob.Topics.fresh(kafka);
      topics.create(kafka, options.parallelism());
      BenchLoad load =
          new BenchLoad(
              options.recipients(), options.hotPathShare(), Instant.now(), options.seed());
      ConfigChange mapping = load.hotPathMapping();
      kafka.produce(topics.config(), mapping.key(), Contracts.toJson(mapping));
      if (options.signalRate() == 0) {
        preload(kafka, topics, load);
      }

      Configuration config = flinkConfiguration(work);
      cluster =
          new MiniCluster(
              new MiniClusterConfiguration.Builder()
                  .setConfiguration(config)
                  .setNumTaskManagers(1)
                  .setNumSlotsPerTaskManager(options.parallelism())
                  .build());
      cluster.start();
      say("local Flink runtime at " + cluster.getRestAddress().get());
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
      env.setParallelism(options.parallelism());
      String group = "bench-timing-" + UUID.randomUUID();
      if (options.topology() == Topology.FLOOR) {
        FloorJob.wire(env, kafka.bootstrapServers(), topics, group, options.checkpointInterval());
      } else {
        BenchJob.wire(env, kafka.bootstrapServers(), topics, group, options.checkpointInterval());
      }
      JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
      awaitRunning(cluster, job);
      long running = System.nanoTime();
      long runningMillis = System.currentTimeMillis();
      double cpuAtRunning = processCpuSeconds();
      say(
          String.format(
              "job running (%s, parallelism %d); %,d signals (%s), %,d requests/s",
              options.stateBackend().wire(),
              options.parallelism(),
              options.signals(),
              options.signalRate() == 0 ? "a backlog" : options.signalRate() + "/s",
              options.requestRate()));

      DecisionWatcher watcher = new DecisionWatcher(kafka, topics);
      watcher.start();
      PacedProducer requests = PacedProducer.requests(kafka, topics, load, options.requestRate());
      requests.start();
      PacedProducer signals =
          PacedProducer.signals(kafka, topics, load, options.signalRate(), options.signals());
      signals.start();
      List<long[]> commits = awaitSignalsCommitted(kafka, cluster, job, group, topics.signals());
      double signalsCpu = processCpuSeconds() - cpuAtRunning;
      signals.finish();
      requests.finish();
      awaitFirstDecisions(cluster, job, watcher, requests.produced());
      watcher.finish();
      CheckpointStatsSnapshot duringRun = checkpointStats(cluster, job);
      CheckpointHealth health = checkpointHealth(cluster, job, duringRun);
      FullCheckpoint full = fullCheckpoint(cluster, job);
      Long liveEstimate =
          options.stateBackend() == Backend.ROCKSDB
              ? rocksDbLiveDataEstimate(cluster, job, full.decideVertex())
              : null;
      cluster.cancelJob(job).get(60, TimeUnit.SECONDS);

      int cores = Runtime.getRuntime().availableProcessors();
      long n = options.signals();
      double elapsed = seconds(commits.get(commits.size() - 1)[0] - running);
      double overall = n / elapsed;
      Optional<Steady> steadyState = steady(commits, n, options.steadyFrom());
      double steady = steadyState.map(Steady::signalsPerSecond).orElse(overall);
      long lastVisible = Math.max(watcher.lastVisibleNanos(), requests.startedNanos());
      double decisionSeconds = seconds(lastVisible - requests.startedNanos());
      double decisionRate = decisionSeconds > 0 ? watcher.decisions() / decisionSeconds : 0;
      // Requests produced from the steady window's start on: their latency leaves out start-up and
      // the JIT compilation of the first minutes, which a long-running job pays once.
      Optional<Samples> steadyVisible =
          steadyState.map(
              st ->
                  watcher
                      .visible()
                      .sentSince(runningMillis + (st.startNanos() - running) / 1_000_000));
      return new TimingJobReport(
          options.topology().wire(),
          options.stateBackend().wire(),
          options.changelog(),
          options.recipients(),
          n,
          cores,
          options.parallelism(),
          options.checkpointInterval().toMillis(),
          round(steady),
          round(steady / cores),
          round(overall),
          round(elapsed),
          options.signalRate(),
          options.requestRate(),
          requests.produced(),
          watcher.decisions(),
          watcher.firstDecisions(),
          requests.produced() - watcher.firstDecisions(),
          round(decisionRate),
          round(decisionRate / cores),
          watcher.visible().percentile(50),
          watcher.visible().percentile(99),
          watcher.visible().percentile(100),
          watcher.decided().percentile(50),
          watcher.decided().percentile(99),
          steadyVisible.map(Samples::size).orElse(null),
          steadyVisible.map(v -> v.percentile(50)).orElse(null),
          steadyVisible.map(v -> v.percentile(99)).orElse(null),
          watcher.deadLetters(),
          duringRun.getCounts().getNumberOfCompletedCheckpoints(),
          duringRun.getSummaryStats().getEndToEndDurationStats().getAverage(),
          duringRun.getSummaryStats().getEndToEndDurationStats().getMaximum(),
          health.alignmentMillis(),
          health.startDelayMillis(),
          full.stateBytes(),
          full.durationMillis(),
          full.decideStateBytes(),
          round((double) full.decideStateBytes() / options.recipients()),
          liveEstimate,
          liveEstimate == null ? null : round((double) liveEstimate / options.recipients()),
          round(signalsCpu),
          round(n / signalsCpu),
          steadyState.map(Steady::signalsPerCpuSecond).map(BenchSupport::round).orElse(null),
          round(loadStart),
          round(loadAverage()));
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      kafka.stop();
      deleteRecursively(work);
    }
  }

  // ---- the load -------------------------------------------------------------------------------

  private void preload(KafkaBrokerExtension kafka, BenchJob.Topics topics, BenchLoad load)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
    long start = System.nanoTime();
    long tenth = Math.max(1, options.signals() / 10);
    try (KafkaProducer<String, String> producer = kafka.newProducer(props)) {
      for (long i = 0; i < options.signals(); i++) {
        Signal s = load.signal(i);
        producer.send(new ProducerRecord<>(topics.signals(), s.universalId(), Contracts.toJson(s)));
        if ((i + 1) % tenth == 0) {
          say(String.format("  pre-loaded %,d signals", i + 1));
        }
      }
      producer.flush();
    }
    say(
        String.format(
            "pre-loaded %,d signals for %,d recipients in %.1f s",
            options.signals(), options.recipients(), seconds(System.nanoTime() - start)));
  }

  /**
   * Produces records at a fixed rate on its own thread, until {@code limit} records or until
   * finished. Each record is made when it is due, so a request's send time is its produce time.
   */
  private static final class PacedProducer extends Thread {
    private final KafkaBrokerExtension kafka;
    private final int rate;
    private final long limit;
    private final LongFunction<ProducerRecord<String, String>> recordOf;
    private final AtomicLong produced = new AtomicLong();
    private volatile boolean stop;
    private volatile long startedNanos;
    private volatile Exception failure;

    PacedProducer(
        String name,
        KafkaBrokerExtension kafka,
        int rate,
        long limit,
        LongFunction<ProducerRecord<String, String>> recordOf) {
      super(name);
      setDaemon(true);
      this.kafka = kafka;
      this.rate = rate;
      this.limit = limit;
      this.recordOf = recordOf;
      this.startedNanos = System.nanoTime();
    }

    static PacedProducer requests(
        KafkaBrokerExtension kafka, BenchJob.Topics topics, BenchLoad load, int rate) {
      return new PacedProducer(
          "bench-requests",
          kafka,
          rate,
          Long.MAX_VALUE,
          seq -> {
            long sentAt = System.currentTimeMillis();
            SendRequest r = load.request(seq, sentAt);
            return new ProducerRecord<>(
                topics.requests(), null, sentAt, r.universalId(), Contracts.toJson(r));
          });
    }

    static PacedProducer signals(
        KafkaBrokerExtension kafka, BenchJob.Topics topics, BenchLoad load, int rate, long n) {
      return new PacedProducer(
          "bench-signals",
          kafka,
          rate,
          n,
          seq -> {
            Signal s = load.signal(seq);
            return new ProducerRecord<>(topics.signals(), s.universalId(), Contracts.toJson(s));
          });
    }

    @Override
    public void run() {
      if (rate == 0) {
        return;
      }
      Properties props = new Properties();
      props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
      try (KafkaProducer<String, String> producer = kafka.newProducer(props)) {
        startedNanos = System.nanoTime();
        while (!stop && produced.get() < limit) {
          long due = Math.min(limit, (long) (rate * seconds(System.nanoTime() - startedNanos)));
          for (long seq = produced.get(); seq < due; seq = produced.incrementAndGet()) {
            producer.send(recordOf.apply(seq));
          }
          Thread.sleep(1);
        }
        producer.flush();
      } catch (Exception e) {
        failure = e;
      }
    }

    void finish() throws Exception {
      stop = true;
      join();
      if (failure != null) {
        throw new IllegalStateException(getName() + " failed", failure);
      }
    }

    long produced() {
      return produced.get();
    }

    long startedNanos() {
      return startedNanos;
    }
  }

  // ---- what comes out -------------------------------------------------------------------------

  /**
   * Reads decisions as the dispatcher would ({@code read_committed}) and notes, for each request's
   * first decision, how long after the request's produce call it became visible, and when the
   * decide operator made it.
   */
  private static final class DecisionWatcher extends Thread {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<String, String> consumer;
    private final String decisionsTopic;
    private final Samples visible = new Samples();
    private final Samples decided = new Samples();
    private final AtomicLong decisions = new AtomicLong();
    private final AtomicLong firstDecisions = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private volatile long lastVisibleNanos;
    private volatile boolean stop;
    private volatile Exception failure;

    DecisionWatcher(KafkaBrokerExtension kafka, BenchJob.Topics topics) {
      super("bench-decisions");
      setDaemon(true);
      this.decisionsTopic = topics.decisions();
      this.consumer = kafka.newConsumer(new Properties());
      List<TopicPartition> partitions = new ArrayList<>();
      for (String t : List.of(topics.decisions(), topics.deadLetters())) {
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
          var batch = consumer.poll(Duration.ofMillis(50));
          long seenAt = System.currentTimeMillis();
          long seenNanos = System.nanoTime();
          for (ConsumerRecord<String, String> r : batch) {
            if (!r.topic().equals(decisionsTopic)) {
              deadLetters.incrementAndGet();
              continue;
            }
            decisions.incrementAndGet();
            lastVisibleNanos = seenNanos;
            JsonNode d = JSON.readTree(r.value());
            JsonNode sentAt = d.path("metadata").path(BenchLoad.SENT_AT_KEY);
            if (d.path("version").asInt() == 1 && sentAt.isTextual()) {
              long sent = Long.parseLong(sentAt.asText());
              long created = Instant.parse(d.path("created_at_utc").asText()).toEpochMilli();
              visible.add(sent, seenAt - sent);
              decided.add(sent, created - sent);
              firstDecisions.incrementAndGet();
            }
          }
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    void finish() throws Exception {
      stop = true;
      join();
      if (failure != null) {
        throw new IllegalStateException("reading decisions failed", failure);
      }
    }

    long decisions() {
      return decisions.get();
    }

    long firstDecisions() {
      return firstDecisions.get();
    }

    long deadLetters() {
      return deadLetters.get();
    }

    long lastVisibleNanos() {
      return lastVisibleNanos;
    }

    /** Read only after {@link #finish()}. */
    Samples visible() {
      return visible;
    }

    Samples decided() {
      return decided;
    }
  }

  /**
   * Latencies in milliseconds, each with the wall-clock millisecond its request was produced at;
   * percentiles by the nearest-rank method.
   */
  static final class Samples {
    private long[] sentAt = new long[1024];
    private long[] values = new long[1024];
    private int size;

    /** A latency whose time does not matter (it counts as sent at the epoch). */
    void add(long v) {
      add(0, v);
    }

    void add(long sentAtMillis, long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
        sentAt = Arrays.copyOf(sentAt, size * 2);
      }
      sentAt[size] = sentAtMillis;
      values[size++] = v;
    }

    int size() {
      return size;
    }

    /** The samples of requests produced at or after {@code fromMillis}. */
    Samples sentSince(long fromMillis) {
      Samples since = new Samples();
      for (int i = 0; i < size; i++) {
        if (sentAt[i] >= fromMillis) {
          since.add(sentAt[i], values[i]);
        }
      }
      return since;
    }

    /** Null without samples. */
    Double percentile(double p) {
      if (size == 0) {
        return null;
      }
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(p / 100.0 * size);
      return (double) sorted[Math.max(0, Math.min(size, rank) - 1)];
    }
  }

  // ---- waiting and measuring ------------------------------------------------------------------

  /**
   * Samples the job's committed offsets of the signals topic until they cover the backlog. Offsets
   * are committed when a checkpoint completes, and an aligned checkpoint completes only after every
   * operator has processed what came before its barrier and the decisions are committed: so these
   * are signals processed end to end.
   *
   * @return {nanoTime, committed} whenever the committed count changed
   */
  private List<long[]> awaitSignalsCommitted(
      KafkaBrokerExtension kafka, MiniCluster cluster, JobID job, String group, String topic)
      throws Exception {
    List<long[]> commits = new ArrayList<>();
    long last = -1;
    long lastChange = System.nanoTime();
    long tenth = Math.max(1, options.signals() / 10);
    try (Admin admin = kafka.admin()) {
      while (true) {
        long committed = committed(admin, group, topic);
        long now = System.nanoTime();
        if (committed != last) {
          commits.add(new long[] {now, committed, Math.round(processCpuSeconds() * 1e9)});
          if (last < 0 || committed / tenth != last / tenth) {
            say(String.format("  %,d signals committed", committed));
          }
          last = committed;
          lastChange = now;
        }
        if (committed >= options.signals()) {
          return commits;
        }
        checkProgress(cluster, job, lastChange, "signals committed: " + committed);
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

  private void awaitFirstDecisions(
      MiniCluster cluster, JobID job, DecisionWatcher watcher, long expected) throws Exception {
    long seen = -1;
    long lastChange = System.nanoTime();
    while (watcher.firstDecisions() < expected) {
      if (watcher.firstDecisions() != seen) {
        seen = watcher.firstDecisions();
        lastChange = System.nanoTime();
      }
      checkProgress(
          cluster, job, lastChange, "first decisions: " + seen + " of " + expected + " requests");
      Thread.sleep(SAMPLE_EVERY.toMillis());
    }
    say(String.format("%,d requests, each with its first decision committed", expected));
  }

  private static void checkProgress(MiniCluster cluster, JobID job, long lastChange, String what)
      throws Exception {
    JobStatus status = cluster.getJobStatus(job).get();
    if (status.isGloballyTerminalState() || status == JobStatus.FAILING) {
      throw new IllegalStateException("the job is " + status + " (" + what + ")");
    }
    if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
      throw new IllegalStateException("no progress for " + STALL_LIMIT + " (" + what + ")");
    }
  }

  /**
   * Signals per second and per CPU-second of the whole process in the steady window; the latter is
   * null when the window is shorter than the process CPU clock's resolution.
   */
  record Steady(double signalsPerSecond, Double signalsPerCpuSecond, long startNanos) {}

  /**
   * The rates between the first commit covering {@code from} of the backlog and the commit covering
   * all of it: leaves out start-up (deployment, the first fetches, JIT compilation). Both ends lag
   * their processing by about one checkpoint, so the lags cancel. A backlog drained within one or
   * two checkpoints has no such window.
   *
   * @param commits {@code {nanos, committed signals, process CPU nanos}}, in time order
   */
  static Optional<Steady> steady(List<long[]> commits, long total, double from) {
    long[] end = commits.get(commits.size() - 1);
    long[] start =
        commits.stream()
            .filter(c -> c[1] >= Math.round(total * from))
            .findFirst()
            .orElse(commits.get(0));
    if (start == end) {
      return Optional.empty();
    }
    double signals = end[1] - start[1];
    double cpu = seconds(end[2] - start[2]);
    return Optional.of(
        new Steady(signals / seconds(end[0] - start[0]), cpu > 0 ? signals / cpu : null, start[0]));
  }

  private static CheckpointStatsSnapshot checkpointStats(MiniCluster cluster, JobID job)
      throws Exception {
    return cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
  }

  record FullCheckpoint(
      long stateBytes, long durationMillis, long decideStateBytes, JobVertexID decideVertex) {}

  /**
   * One full (not incremental) checkpoint of everything the run built up; on the changelog backend,
   * which cannot take a full snapshot, a regular one: the last materialised state plus the changes
   * logged since, which is what a restore would read.
   */
  private FullCheckpoint fullCheckpoint(MiniCluster cluster, JobID job) throws Exception {
    CheckpointType type = options.changelog() ? CheckpointType.CONFIGURED : CheckpointType.FULL;
    String kind = options.changelog() ? "regular checkpoint (changelog)" : "full checkpoint";
    say("taking a " + kind);
    long id = cluster.triggerCheckpoint(job, type).get(30, TimeUnit.MINUTES);
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
      AbstractCheckpointStats stats =
          graph.getCheckpointStatsSnapshot().getHistory().getCheckpointById(id);
      if (stats instanceof CompletedCheckpointStats done) {
        JobVertexID decide = decideVertex(graph);
        FullCheckpoint full =
            new FullCheckpoint(
                done.getStateSize(),
                done.getEndToEndDuration(),
                done.getTaskStateStats(decide).getStateSize(),
                decide);
        say(
            String.format(
                "%s %d: %,d bytes (decide operator %,d) in %,d ms",
                kind, id, full.stateBytes(), full.decideStateBytes(), full.durationMillis()));
        return full;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("checkpoint " + id + " has no statistics: " + stats);
      }
      Thread.sleep(SAMPLE_EVERY.toMillis());
    }
  }

  private static JobVertexID decideVertex(AccessExecutionGraph graph) {
    return graph.getAllVertices().values().stream()
        .filter(v -> v.getName().toLowerCase(Locale.ROOT).startsWith("decide"))
        .map(AccessExecutionJobVertex::getJobVertexId)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no decide vertex in the job"));
  }

  /**
   * How the decide operator's barriers fared in the checkpoints Flink remembers (the last ten): the
   * mean over checkpoints of the slowest subtask's alignment and start delay. A long start delay
   * means the barrier queued behind backpressured input; a long alignment means it waited for the
   * barrier on its other inputs.
   */
  record CheckpointHealth(Long alignmentMillis, Long startDelayMillis) {}

  private static CheckpointHealth checkpointHealth(
      MiniCluster cluster, JobID job, CheckpointStatsSnapshot stats) throws Exception {
    JobVertexID decide = decideVertex(cluster.getExecutionGraph(job).get());
    long alignment = 0;
    long delay = 0;
    int n = 0;
    for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
      if (c instanceof CompletedCheckpointStats done && done.getTaskStateStats(decide) != null) {
        var summary = done.getTaskStateStats(decide).getSummaryStats();
        alignment += summary.getAlignmentDurationStats().createSnapshot().getMaximum();
        delay += summary.getCheckpointStartDelayStats().createSnapshot().getMaximum();
        n++;
      }
    }
    return n == 0
        ? new CheckpointHealth(null, null)
        : new CheckpointHealth(alignment / n, delay / n);
  }

  /**
   * RocksDB's {@code estimate-live-data-size} summed over the decide operator's column families and
   * subtasks, read from the runtime's REST API (Flink names each metric after its column family, so
   * the names are listed first).
   */
  private static Long rocksDbLiveDataEstimate(MiniCluster cluster, JobID job, JobVertexID vertex)
      throws Exception {
    URI base =
        cluster
            .getRestAddress()
            .get()
            .resolve("/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics");
    // The REST API serves metrics from a store it refreshes in the background (every
    // METRICS_REFRESH): the first answers may be empty, and values lag by up to one refresh.
    List<String> names = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (names.isEmpty() && System.nanoTime() < deadline) {
      for (JsonNode m : getJson(base.toString())) {
        String id = m.path("id").asText();
        if (id.endsWith("estimate-live-data-size")) {
          names.add(id);
        }
      }
      Thread.sleep(METRICS_REFRESH.toMillis() / 2);
    }
    if (names.isEmpty()) {
      return null;
    }
    Thread.sleep(2 * METRICS_REFRESH.toMillis());
    long sum = 0;
    for (JsonNode m : getJson(base + "?agg=sum&get=" + String.join(",", names))) {
      sum += (long) m.path("sum").asDouble();
    }
    return sum;
  }

  private static JsonNode getJson(String url) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + response.statusCode());
    }
    return new ObjectMapper().readTree(response.body());
  }

  // ---- the runtime ----------------------------------------------------------------------------

  /**
   * The cluster and job configuration: the chosen state backend (RocksDB with incremental
   * checkpoints, as production runs), checkpoints and RocksDB files in the run's temp directory,
   * and a REST port of its own so runs never collide with a local runner's web UI.
   */
  private Configuration flinkConfiguration(Path work) {
    Configuration c = new Configuration();
    c.set(StateBackendOptions.STATE_BACKEND, options.stateBackend().wire());
    c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    c.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, options.stateBackend() == Backend.ROCKSDB);
    c.set(RocksDBOptions.LOCAL_DIRECTORIES, work.resolve("rocksdb").toString());
    // RocksDB's own estimate of its live data, beside the checkpoint size (which may still hold
    // versions compaction has not dropped yet).
    c.set(RocksDBNativeMetricOptions.ESTIMATE_LIVE_DATA_SIZE, true);
    c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, options.managedMemory());
    c.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
    c.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
    c.set(RestOptions.BIND_PORT, "0");
    if (options.changelog()) {
      c.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, true);
      c.setString("state.changelog.storage", "filesystem");
      c.setString(
          "state.changelog.dstl.dfs.base-path", work.resolve("changelog").toUri().toString());
    }
    c.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, METRICS_REFRESH);
    options.flinkConfig().forEach(c::setString);
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

  private void say(String line) {
    progress.println(line);
    progress.flush();
  }
}
