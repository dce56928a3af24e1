package com.sendflowr.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench timing-job}: picocli's view of {@link TimingJobBench.Options}. */
@Command(
    name = "timing-job",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the timing job's real topology (TimingJob.wire) on a local Flink runtime against an"
          + " embedded broker, with exactly-once Kafka sinks and checkpoints: a backlog of signals"
          + " is drained while send requests arrive at a fixed rate. Prints a JSON report."
    })
final class TimingJobCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--topology",
      defaultValue = "timing-job",
      converter = TopologyConverter.class,
      description =
          "timing-job, or floor: the same source, keyed state (one read and write of a"
              + " recipient-sized value per signal) and exactly-once sink without the job's own"
              + " work, the most any timing job on this runtime can do (default: ${DEFAULT-VALUE})")
  TimingJobBench.Topology topology;

  @Option(
      names = "--recipients",
      defaultValue = "100000",
      description = "distinct recipients (default: ${DEFAULT-VALUE})")
  int recipients;

  @Option(
      names = "--signals",
      defaultValue = "1000000",
      description =
          "signals pre-loaded before the job starts, at least one per recipient"
              + " (default: ${DEFAULT-VALUE})")
  long signals;

  @Option(
      names = "--state-backend",
      defaultValue = "rocksdb",
      converter = BackendConverter.class,
      description = "rocksdb (incremental checkpoints) or hashmap (default: ${DEFAULT-VALUE})")
  TimingJobBench.Backend stateBackend;

  @Option(
      names = "--signal-rate",
      defaultValue = "0",
      description =
          "signals per second produced while the job runs, instead of a backlog pre-loaded before"
              + " it starts (default: 0, the backlog)")
  int signalRate;

  @Option(
      names = "--request-rate",
      description =
          "send requests per second produced while the job runs (default: 5000 per core; 0 for"
              + " the floor)")
  Integer requestRate;

  @Option(
      names = "--hot-path-share",
      defaultValue = "0.02",
      description =
          "share of signals that are fresh hot-path site visits (default: ${DEFAULT-VALUE})")
  double hotPathShare;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "PT0.5S",
      converter = DurationConverter.class,
      description =
          "ISO-8601; decisions become visible when a checkpoint commits them"
              + " (default: ${DEFAULT-VALUE})")
  Duration checkpointInterval;

  @Option(names = "--parallelism", description = "the job's parallelism (default: the cores)")
  Integer parallelism;

  @Option(
      names = "--managed-memory",
      defaultValue = "512m",
      description =
          "Flink managed memory, RocksDB's cache and write buffers (default: ${DEFAULT-VALUE})")
  String managedMemory;

  @Option(
      names = "--changelog",
      description =
          "Flink's changelog state backend on top of --state-backend: checkpoints upload a log of"
              + " the state changes instead of flushing RocksDB, which materialises in the"
              + " background")
  boolean changelog;

  @Option(
      names = "--steady-from",
      defaultValue = "0.1",
      description =
          "steady-state rates start at the commit covering this share of the signals, leaving"
              + " start-up and JIT compilation out (default: ${DEFAULT-VALUE})")
  double steadyFrom;

  @Option(
      names = "--flink-config",
      paramLabel = "KEY=VALUE",
      description =
          "Flink configuration on top of the run's own, repeatable; e.g."
              + " state.backend.rocksdb.use-bloom-filter=true")
  Map<String, String> flinkConfig = new LinkedHashMap<>();

  @Option(names = "--seed", defaultValue = "42", description = "seed of the generated load")
  long seed;

  @Option(names = "--out", description = "also write the JSON report to this file")
  Path out;

  @Override
  public Integer call() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    int p = parallelism == null ? cores : parallelism;
    TimingJobBench.Options options =
        new TimingJobBench.Options(
            topology,
            recipients,
            signals,
            stateBackend,
            changelog,
            signalRate,
            requestRate != null
                ? requestRate
                : topology == TimingJobBench.Topology.FLOOR ? 0 : 5_000 * cores,
            hotPathShare,
            checkpointInterval,
            p,
            MemorySize.parse(managedMemory),
            seed,
            steadyFrom,
            Map.copyOf(flinkConfig));
    TimingJobReport report = new TimingJobBench(options, System.err).run();
    String json = report.toJson();
    BenchSupport.printReport(spec.commandLine().getOut(), json, out);
    return 0;
  }

  static final class TopologyConverter
      implements CommandLine.ITypeConverter<TimingJobBench.Topology> {
    @Override
    public TimingJobBench.Topology convert(String v) {
      return switch (v) {
        case "timing-job" -> TimingJobBench.Topology.TIMING_JOB;
        case "floor" -> TimingJobBench.Topology.FLOOR;
        default ->
            throw new CommandLine.TypeConversionException(
                "must be timing-job or floor, got '" + v + "'");
      };
    }
  }

  static final class BackendConverter
      implements CommandLine.ITypeConverter<TimingJobBench.Backend> {
    @Override
    public TimingJobBench.Backend convert(String v) {
      return TimingJobBench.Backend.fromWire(v)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "must be rocksdb or hashmap, got '" + v + "'"));
    }
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      try {
        Duration d = Duration.parse(v);
        if (d.isNegative() || d.isZero()) {
          throw new CommandLine.TypeConversionException("must be positive, got '" + v + "'");
        }
        return d;
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "must be an ISO-8601 duration like PT0.5S, got '" + v + "'");
      }
    }
  }
}
