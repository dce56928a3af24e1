package com.sendflowr.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench dispatch}: picocli's view of {@link DispatchBench.Options}. */
@Command(
    name = "dispatch",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the dispatch job's real topology (DispatchJob.wire) on a local Flink runtime (RocksDB,"
          + " incremental checkpoints, exactly-once outcomes) against an embedded broker and the"
          + " Klaviyo sandbox, in three phases: trigger precision with many pending timers,"
          + " throughput of decisions due at once, and pacing under an enforced rate limit (an"
          + " Iterable account by default, one call per decision; see --rate-limit-esp)."
          + " Prints a JSON report."
    })
final class DispatchBenchCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--pending",
      defaultValue = "1000000",
      description =
          "decisions due days ahead, read before the phases start: timers in RocksDB throughout"
              + " (default: ${DEFAULT-VALUE})")
  long pending;

  @Option(
      names = "--due-in-one-minute",
      defaultValue = "10000",
      description =
          "precision phase: decisions with triggers spread evenly over --due-spread"
              + " (default: ${DEFAULT-VALUE})")
  int dueInOneMinute;

  @Option(
      names = "--due-spread",
      defaultValue = "PT1M",
      converter = TimingJobCommand.DurationConverter.class,
      description =
          "ISO-8601; the span of the precision phase's triggers (default: ${DEFAULT-VALUE})")
  Duration dueSpread;

  @Option(
      names = "--precision-rate-limit-per-second",
      description =
          "the precision account's configured per-second limit (default: none configured, the"
              + " ESP's published limits apply: Klaviyo 350/s, 3,500/min)")
  Integer precisionRateLimitPerSecond;

  @Option(
      names = "--precision-rate-limit-per-minute",
      description = "the precision account's configured per-minute limit (default: as above)")
  Integer precisionRateLimitPerMinute;

  @Option(
      names = "--warmup-decisions",
      defaultValue = "50000",
      description =
          "decisions of an unmeasured round like the throughput phase, through an account of its"
              + " own, just before it: the phase then measures compiled code, as in a job that has"
              + " run a while (default: ${DEFAULT-VALUE}; 0: none)")
  int warmupDecisions;

  @Option(
      names = "--warmup-rounds",
      defaultValue = "2",
      description =
          "how many warm-up rounds run one after the other: the JIT compiler drops queued work for"
              + " code that stopped running, so one round leaves much of it to the measured phase;"
              + " every round's events stay in the sandbox's memory for the duplicate check, so"
              + " more rounds add garbage-collection work (default: ${DEFAULT-VALUE})")
  int warmupRounds;

  @Option(
      names = "--throughput-decisions",
      defaultValue = "100000",
      description =
          "throughput phase: decisions all due at the same instant for an account without a"
              + " binding limit (default: ${DEFAULT-VALUE})")
  int throughputDecisions;

  @Option(
      names = "--rate-limit-per-second",
      defaultValue = "350",
      description =
          "rate-limit phase: the account's per-second limit, configured on its binding and"
              + " enforced by its sandbox (default: ${DEFAULT-VALUE}, Klaviyo's per-event burst"
              + " limit)")
  int rateLimitPerSecond;

  @Option(
      names = "--rate-limit-per-minute",
      description =
          "the same account's per-minute limit, configured and enforced (default: 60 times the"
              + " per-second limit, so it does not bind)")
  Integer rateLimitPerMinute;

  @Option(
      names = "--rate-limit-decisions",
      description =
          "rate-limit phase: decisions all due at once (default: 20 s at the per-second limit)")
  Integer rateLimitDecisions;

  @Option(
      names = "--rate-limit-esp",
      defaultValue = "iterable",
      description =
          "rate-limit phase: the account's ESP, iterable or klaviyo (default: ${DEFAULT-VALUE})."
              + " Iterable has no batch endpoint, so each decision is one call paced by the"
              + " configured limit; Klaviyo decisions due together go out as bulk create jobs"
              + " paced to the bulk endpoint's 10/s and 150/min, far below a per-event limit")
  String rateLimitEsp;

  @Option(
      names = "--outage-seconds",
      defaultValue = "0",
      description =
          "outage soak: the ESP answers 503 for this long as its decisions fall due, then"
              + " recovers (default: 0, no soak; e.g. 60)")
  int outageSeconds;

  @Option(
      names = "--lateness-budget-seconds",
      defaultValue = "300",
      description =
          "outage soak: the account's max_lateness_seconds, how long a call is retried"
              + " (default: ${DEFAULT-VALUE})")
  int latenessBudgetSeconds;

  @Option(
      names = "--outage-decisions",
      defaultValue = "1000",
      description = "outage soak: decisions due as the outage begins (default: ${DEFAULT-VALUE})")
  int outageDecisions;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "PT10S",
      converter = TimingJobCommand.DurationConverter.class,
      description =
          "ISO-8601; outcomes are committed on checkpoints (default: ${DEFAULT-VALUE}, the job's"
              + " own default)")
  Duration checkpointInterval;

  @Option(names = "--parallelism", description = "the job's parallelism (default: the cores)")
  Integer parallelism;

  @Option(
      names = "--managed-memory",
      defaultValue = "512m",
      description =
          "Flink managed memory, RocksDB's cache and write buffers (default: ${DEFAULT-VALUE})")
  String managedMemory;

  @Option(names = "--out", description = "also write the JSON report to this file")
  Path out;

  @Override
  public Integer call() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    DispatchBench.Options options =
        new DispatchBench.Options(
            pending,
            dueInOneMinute,
            dueSpread,
            precisionRateLimitPerSecond,
            precisionRateLimitPerMinute,
            warmupDecisions,
            warmupRounds,
            throughputDecisions,
            rateLimitPerSecond,
            rateLimitPerMinute == null ? 60 * rateLimitPerSecond : rateLimitPerMinute,
            rateLimitDecisions == null ? 20 * rateLimitPerSecond : rateLimitDecisions,
            rateLimitEsp,
            outageSeconds,
            latenessBudgetSeconds,
            outageDecisions,
            checkpointInterval,
            parallelism == null ? cores : parallelism,
            MemorySize.parse(managedMemory));
    DispatchBenchReport report = new DispatchBench(options, System.err).run();
    String json = report.toJson();
    BenchSupport.printReport(spec.commandLine().getOut(), json, out);
    return 0;
  }
}
