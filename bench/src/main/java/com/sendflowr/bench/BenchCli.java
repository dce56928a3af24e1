package com.sendflowr.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of {@code bin/sendflowr bench}: one subcommand per harness. Each prints its report as
 * JSON on stdout (and to {@code --out}); progress goes to stderr.
 */
@CommandLine.Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks of the real jobs on a local Flink runtime and an embedded broker.",
    subcommands = {TimingJobCommand.class, DispatchBenchCommand.class})
public final class BenchCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required");
  }

  public static void main(String[] args) {
    // stdout carries only the report: libraries that print (Kafka's storage formatter does) are
    // sent to stderr with the progress lines.
    PrintStream report = System.out;
    System.setOut(System.err);
    // Flink's and Kafka's non-daemon threads would otherwise keep the JVM alive.
    System.exit(run(args, report, System.err));
  }

  /** Exit codes: 0 success, 1 failure while running, 2 bad command line. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new BenchCli());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException) {
            err.println("error: " + e.getMessage());
            cmd.usage(err);
            return 2;
          }
          err.println("error: " + cmd.getCommandName() + " failed: " + e);
          e.printStackTrace(err);
          return 1;
        });
    return cl.execute(args);
  }
}
