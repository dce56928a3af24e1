package com.sendflowr.timing.tools;

import java.io.PrintStream;
import java.util.Map;

/** Entry point of timing-tools-cli.jar: {@code backtest}, {@code calibrate} and {@code simulate}. */
public final class TimingCli {

  static final String USAGE =
      """
      Usage: java -jar timing-tools-cli.jar <command> [options]

      Commands:
        backtest   replay a signal file, decide per recipient, score engine vs baselines
        simulate   generate synthetic recipients and signals, score policies against the oracle
        calibrate  choose the model configuration from a signal file's history, write model.json

      Run '<command> --help' for the options of a command.
      """;

  private TimingCli() {}

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(run(args, System.out, System.err));
  }

  /** Exit codes: 0 success, 1 failure while running, 2 bad command line. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    String usage =
        switch (command) {
          case "backtest" -> Backtest.USAGE;
          case "simulate" -> Simulator.USAGE;
          case "calibrate" -> CalibrateCommand.USAGE;
          default -> null;
        };
    if (usage == null) {
      err.println("error: unknown command '" + command + "'");
      err.print(USAGE);
      return 2;
    }
    try {
      CliArgs a =
          CliArgs.parse(
              args,
              1,
              switch (command) {
                case "backtest" -> Backtest.OPTIONS;
                case "calibrate" -> CalibrateCommand.OPTIONS;
                default -> Simulator.OPTIONS;
              });
      if (a.help()) {
        out.print(usage);
        return 0;
      }
      if (command.equals("backtest")) {
        out.println(summary(new Backtest(Backtest.parse(a, err), err).run()));
      } else if (command.equals("calibrate")) {
        out.print(CalibrateCommand.run(CalibrateCommand.parse(a, err), err).toJson());
      } else {
        Map<String, Object> report = new Simulator(Simulator.parse(a), err).run();
        out.println(Simulator.summary(report));
      }
      return 0;
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(usage);
      return 2;
    } catch (Exception e) {
      err.println("error: " + command + " failed: " + e);
      return 1;
    }
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
