package com.sendflowr.timing.tools;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of timing-tools-cli.jar: {@code backtest}, {@code calibrate} and {@code simulate},
 * parsed with picocli ({@link Commands}).
 */
@CommandLine.Command(
    name = "timing-tools",
    mixinStandardHelpOptions = true,
    description = "The timing model's tools.",
    subcommands = {
      Commands.BacktestCommand.class,
      Commands.CalibrateCommandLine.class,
      Commands.SimulateCommand.class
    })
public final class TimingCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(run(args, System.out, System.err));
  }

  /** Exit codes: 0 success, 1 failure while running, 2 bad command line. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Commands.Streams streams = new Commands.Streams(out, err);
    CommandLine cl = new CommandLine(new TimingCli());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    for (CommandLine sub : cl.getSubcommands().values()) {
      ((Commands.Base) sub.getCommand()).streams = streams;
    }
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof UsageException) {
            err.println("error: " + e.getMessage());
            cmd.usage(err);
            return 2;
          }
          err.println("error: " + cmd.getCommandName() + " failed: " + e);
          return 1;
        });
    cl.setParameterExceptionHandler(
        (e, a) -> {
          err.println("error: " + e.getMessage());
          e.getCommandLine().usage(err);
          return 2;
        });
    return cl.execute(args);
  }

  static String summary(Backtest.Report report) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-18s %9s %9s %9s %12s %10s%n",
            "policy", "hit@30m", "hit@60m", "hit@120m", "median_min", "LL_bits"));
    report
        .policies()
        .forEach(
            (name, scores) -> {
              if (scores instanceof PolicyMetrics.Report m) {
                sb.append(
                    String.format(
                        "%-18s %9.4f %9.4f %9.4f %12.1f %10.4f%n",
                        name,
                        m.hitRate30m(),
                        m.hitRate60m(),
                        m.hitRate120m(),
                        m.medianMinutesToEngagement(),
                        m.logLikelihoodGainBits()));
              } else if (scores instanceof WindowScores.PooledPolicy m) {
                sb.append(
                    String.format(
                        "%-18s %9.4f %9.4f %9.4f %12.1f %10.4f   hit@60 [%.4f, %.4f]  LL [%.3f, %.3f]%n",
                        name,
                        m.hitRate30m().estimate(),
                        m.hitRate60m().estimate(),
                        m.hitRate120m().estimate(),
                        m.medianMinutesToEngagement(),
                        m.logLikelihoodGainBits().estimate(),
                        m.hitRate60m().low(),
                        m.hitRate60m().high(),
                        m.logLikelihoodGainBits().low(),
                        m.logLikelihoodGainBits().high()));
              }
            });
    sb.append("recipient_windows: ").append(report.recipientWindows()).append('\n');
    WindowScores.PairedDifference dh = report.engineMinusBestBaselineHitRate60m();
    WindowScores.PairedDifference dl = report.engineMinusBestBaselineLogLikelihoodGainBits();
    sb.append(
        String.format(
            "engine - %s hit@60: %+.4f [%+.4f, %+.4f]%n",
            dh.bestBaseline(),
            dh.difference().estimate(),
            dh.difference().low(),
            dh.difference().high()));
    sb.append(
        String.format(
            "engine - %s LL bits: %+.4f [%+.4f, %+.4f]%n",
            dl.bestBaseline(),
            dl.difference().estimate(),
            dl.difference().low(),
            dl.difference().high()));
    sb.append("engine_beats_all_baselines: ").append(report.engineBeatsAllBaselines());
    return sb.toString();
  }
}
