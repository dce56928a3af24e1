package com.sendflowr.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What every harness of {@code bin/sendflowr bench} measures and prints the same way. */
final class BenchSupport {
  private BenchSupport() {}

  /** CPU time of this whole process (job, broker, sandboxes, load generator), all threads. */
  static double processCpuSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() / 1e9
        : Double.NaN;
  }

  /**
   * Time the JIT compilers spent compiling in this process so far (all compiler threads), NaN when
   * the JVM does not say: a phase that overlaps heavy compiling measures the compiler as much as
   * the code.
   */
  static double jitCompileSeconds() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime() / 1e3
        : Double.NaN;
  }

  /** The machine's 1-minute load average: other work on the cores makes every figure lower. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** To one decimal, as reports give figures. */
  static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : v;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The report on stdout (alone there, for piping) and, when asked, in {@code out}. */
  static void printReport(PrintWriter stdout, String json, Path out) throws IOException {
    stdout.println(json);
    stdout.flush();
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
    }
  }
}
