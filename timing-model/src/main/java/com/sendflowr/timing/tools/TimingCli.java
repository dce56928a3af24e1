package com.sendflowr.timing.tools;

import java.io.PrintStream;
import java.util.Map;

/** Entry point of timing-model-cli.jar: {@code backtest ...} and {@code simulate ...}. */
public final class TimingCli {

  static final String USAGE =
      """
      Usage: java -jar timing-model-cli.jar <command> [options]

      Commands:
        backtest   replay a signal file, decide per recipient, score engine vs baselines
        simulate   generate synthetic recipients and signals, score policies against the oracle

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
          default -> null;
        };
    if (usage == null) {
      err.println("error: unknown command '" + command + "'");
      err.print(USAGE);
      return 2;
    }
    try {
      CliArgs a =
          CliArgs.parse(args, 1, command.equals("backtest") ? Backtest.OPTIONS : Simulator.OPTIONS);
      if (a.help()) {
        out.print(usage);
        return 0;
      }
      Map<String, Object> report;
      if (command.equals("backtest")) {
        report = new Backtest(Backtest.parse(a), err).run();
        out.println(summary(report));
      } else {
        report = new Simulator(Simulator.parse(a), err).run();
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

  @SuppressWarnings("unchecked")
  static String summary(Map<String, Object> report) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-18s %9s %9s %9s %12s %10s%n",
            "policy", "hit@30m", "hit@60m", "hit@120m", "median_min", "LL_bits"));
    Map<String, Object> policies = (Map<String, Object>) report.get("policies");
    for (Map.Entry<String, Object> e : policies.entrySet()) {
      Map<String, Object> m = (Map<String, Object>) e.getValue();
      sb.append(
          String.format(
              "%-18s %9.4f %9.4f %9.4f %12.1f %10.4f%n",
              e.getKey(),
              (Double) m.get("hit_rate_30m"),
              (Double) m.get("hit_rate_60m"),
              (Double) m.get("hit_rate_120m"),
              (Double) m.get("median_minutes_to_engagement"),
              (Double) m.get("log_likelihood_gain_bits")));
    }
    sb.append("recipients_evaluated: ").append(report.get("recipients_evaluated")).append('\n');
    sb.append("engine_beats_all_baselines: ").append(report.get("engine_beats_all_baselines"));
    return sb.toString();
  }
}
