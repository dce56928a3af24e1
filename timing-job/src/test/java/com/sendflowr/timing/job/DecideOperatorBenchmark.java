package com.sendflowr.timing.job;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Signal;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * The decide operator's own CPU cost per signal and per decision, apart from the runtime around it
 * (sources, network, checkpoints): the operator in Flink's test harness on the heap backend (or
 * RocksDB, second argument {@code rocksdb}, with its default memory settings since the harness has
 * no managed memory), timed by the thread's CPU time, so a busy machine does not count. Prints a
 * JSON report. Run with {@code scripts/bench-decide-operator.sh}.
 */
public final class DecideOperatorBenchmark {
  /** One measured round, and the medians over the rounds after warm-up. */
  public record Report(
      String benchmark,
      String stateBackend,
      int recipients,
      int signalsPerRound,
      int requestsPerRound,
      int warmUpRounds,
      double[] signalCpuMicros,
      double[] requestCpuMicros,
      double signalCpuMicrosMedian,
      double requestCpuMicrosMedian) {}

  private DecideOperatorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int recipients = 20_000;
    int signals = 200_000;
    int requests = 2_000;
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int warmUp = 3;
    String backendArg = args.length > 1 ? args[1] : "heap";
    if (!backendArg.equals("heap") && !backendArg.equals("rocksdb")) {
      throw new IllegalArgumentException(
          "backend must be heap or rocksdb, got '" + backendArg + "'");
    }
    boolean rocksDb = backendArg.equals("rocksdb");
    var harness =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new DecideFunction(DecideSettings.defaults(), ModelSpec.defaults()),
                List.of(DecideFunction.CONFIG, DecideFunction.LATENCY)),
            TimingInput::recipient,
            Types.STRING,
            TimingJob.MAX_PARALLELISM,
            1,
            0);
    if (rocksDb) {
      var backend = new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend();
      backend.getMemoryConfiguration().setUseManagedMemory(false);
      harness.setStateBackend(backend);
    }
    harness.setup(DecideFunction.OUTPUT.createSerializer(new SerializerConfigImpl()));
    harness.open();
    Instant now = Instant.now();
    harness.setProcessingTime(now.toEpochMilli());
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    List<Double> perSignal = new ArrayList<>();
    List<Double> perRequest = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      // Records are built before the clock starts: only the operator is timed.
      List<TimingInput> signalInputs = new ArrayList<>(signals);
      for (int i = 0; i < signals; i++) {
        String r = "u-" + (i % recipients);
        signalInputs.add(
            TimingInput.of(
                new Signal(
                    "e-" + round + "-" + i,
                    "click",
                    now.minusSeconds(1_000 + i % 5_000),
                    r,
                    Map.of(),
                    "bench",
                    Map.of())));
      }
      List<TimingInput> requestInputs = new ArrayList<>(requests);
      for (int i = 0; i < requests; i++) {
        requestInputs.add(
            TimingInput.of(
                TimingFixtures.request(
                    "req-" + round + "-" + i,
                    "u-" + (i * 7 % recipients),
                    now,
                    now.plus(Duration.ofHours(24)))));
      }
      long t0 = cpu.getCurrentThreadCpuTime();
      for (TimingInput in : signalInputs) {
        harness.processElement(in, 0);
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (TimingInput in : requestInputs) {
        harness.processElement(in, 0);
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      harness.getOutput().clear();
      perSignal.add(round((t1 - t0) / 1e3 / signals));
      perRequest.add(round((t2 - t1) / 1e3 / requests));
      System.err.printf(
          "round %d: %.2f us per signal, %.1f us per request%n",
          round, perSignal.get(round), perRequest.get(round));
    }
    harness.close();
    Report report =
        new Report(
            "decide-operator",
            rocksDb ? "rocksdb" : "heap",
            recipients,
            signals,
            requests,
            warmUp,
            perSignal.stream().mapToDouble(Double::doubleValue).toArray(),
            perRequest.stream().mapToDouble(Double::doubleValue).toArray(),
            median(perSignal.subList(warmUp, rounds)),
            median(perRequest.subList(warmUp, rounds)));
    System.out.println(
        Contracts.mapper()
            .copy()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(report));
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length == 0
        ? Double.NaN
        : v.length % 2 == 1 ? v[v.length / 2] : round((v[v.length / 2 - 1] + v[v.length / 2]) / 2);
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
