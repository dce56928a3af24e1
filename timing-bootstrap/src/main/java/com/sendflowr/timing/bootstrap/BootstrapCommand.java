package com.sendflowr.timing.bootstrap;

import com.sendflowr.contract.Contracts;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.timing.job.DecideSettings;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/sendflowr bootstrap}: see {@link TimingBootstrap}. Prints a JSON summary. */
@Command(
    name = "bootstrap",
    sortOptions = false,
    description = {
      "Learns recipient state from historical signals and writes it as a savepoint of the timing"
          + " job; start the job from it with 'flink run -s DIR' (and --prior-file FILE).",
      "Prints a JSON summary on stdout; progress goes to stderr."
    })
public final class BootstrapCommand implements Callable<Integer> {
  @Option(
      names = "--signals",
      required = true,
      paramLabel = "FILE",
      description = "JSON lines of the signal contract, plain or gzip")
  Path signals;

  @Option(
      names = "--until",
      required = true,
      paramLabel = "ISO_INSTANT",
      converter = InstantConverter.class,
      description = "signals at or after this instant are left out, e.g. 2026-08-01T00:00:00Z")
  Instant until;

  @Option(
      names = "--savepoint",
      required = true,
      paramLabel = "DIR",
      description = "a new directory (or file-system URI) for the savepoint")
  String savepoint;

  @Option(
      names = "--prior-out",
      paramLabel = "FILE",
      description = "also write the population prior learned from the history, for --prior-file")
  Path priorOut;

  @Option(
      names = "--recipient-ttl",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "the job's --recipient-ttl (e.g. 400d), for each recipient's inactivity timer; recipients"
              + " inactive that long at --until are counted and left out of the prior (default:"
              + " the job's default, ${DEFAULT-VALUE})")
  Duration recipientTtl = DecideSettings.defaults().recipientTtl();

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "parallelism of the local Flink runtime writing the savepoint (default: cores)")
  Integer parallelism;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  private final PrintStream out;
  private final PrintStream log;

  BootstrapCommand(PrintStream out, PrintStream log) {
    this.out = out;
    this.log = log;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  /** Runs the command; returns its exit code (0 done, 1 failed, 2 bad usage). */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new BootstrapCommand(out, err));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          // Expected failures carry a message meant for the user; anything else gets its type.
          err.println(
              "bootstrap failed: "
                  + (e instanceof TimingBootstrap.BootstrapException
                      ? e.getMessage()
                      : e.getClass().getSimpleName() + ": " + e.getMessage()));
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(signals)) {
      throw new TimingBootstrap.BootstrapException(signals + " is not a readable file");
    }
    if (recipientTtl.isNegative() || recipientTtl.isZero()) {
      throw new TimingBootstrap.BootstrapException("--recipient-ttl must be positive");
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (parallelism != null) {
      env.setParallelism(parallelism);
    }
    TimingBootstrap.Summary summary =
        TimingBootstrap.run(
            env,
            new TimingBootstrap.Options(signals, until, savepoint, priorOut, recipientTtl),
            log);
    out.println(Contracts.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    return 0;
  }

  static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not an ISO-8601 instant such as 2026-08-01T00:00:00Z");
      }
    }
  }

  /** The job's own duration syntax, so the same value works for both. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return JobArgs.parseDuration("recipient-ttl", value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
