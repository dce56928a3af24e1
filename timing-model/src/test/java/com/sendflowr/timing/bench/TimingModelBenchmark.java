package com.sendflowr.timing.bench;

import com.sendflowr.timing.model.ContextWeights;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.LatencyTracker;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.RecipientState;
import com.sendflowr.timing.model.TimingChoice;
import com.sendflowr.timing.model.TimingEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Speed targets of the timing model: a signal update (target <= 1 us), a decision over a 7-day
 * window (target <= 100 us), and the state codec. Run with scripts/bench-timing.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimingModelBenchmark {

  private static final Instant NOW = Instant.parse("2026-03-02T00:00:00Z");

  private ModelConfig config;
  private Duration halfLife;
  private RecipientState state;
  private RecipientState updating;
  private TimingEngine engine;
  private DecisionRequest sevenDays;
  private DecisionRequest sevenDaysWithContext;
  private DecisionRequest oneDay;
  private byte[] bytes;
  private long clock;
  private Random rnd;

  @Setup
  public void setUp() {
    config = ModelConfig.defaults();
    halfLife = config.halfLife();
    rnd = new Random(1);
    PopulationPrior.Builder prior = PopulationPrior.builder(config);
    for (int r = 0; r < 1000; r++) {
      prior.add(history(rnd, 8 * 60 + rnd.nextInt(720)));
    }
    engine = new TimingEngine(config, prior.build());
    state = history(rnd, 19 * 60 + 30);
    updating = state.copy();
    clock = NOW.getEpochSecond();
    LatencyTracker latency = LatencyTracker.withDefaults();
    for (int i = 0; i < 500; i++) {
      Instant d = NOW.minusSeconds(rnd.nextInt(86_400 * 7));
      latency.observe(d, d.plusSeconds(30 + rnd.nextInt(300)));
    }
    sevenDays =
        DecisionRequest.of("recipient-42", "promo", NOW, NOW, NOW.plus(Duration.ofDays(7)), state)
            .withLatency(latency);
    ContextWeights ctx =
        ContextWeights.none()
            .apply("site_visit", NOW.plus(Duration.ofHours(30)), config.context())
            .apply("ticket_opened", NOW.plus(Duration.ofDays(3)), config.context());
    sevenDaysWithContext = sevenDays.withContext(ctx);
    oneDay =
        DecisionRequest.of("recipient-42", "promo", NOW, NOW, NOW.plus(Duration.ofDays(1)), state)
            .withLatency(latency);
    bytes = state.toBytes();
  }

  private static RecipientState history(Random rnd, int minuteOfDay) {
    RecipientState s = new RecipientState();
    for (int i = 0; i < 60; i++) {
      long day = NOW.getEpochSecond() - 86_400L * (1 + rnd.nextInt(60));
      long t = day + 60L * minuteOfDay + (long) (rnd.nextGaussian() * 1800);
      s.update(1.0, Instant.ofEpochSecond(t), Duration.ofDays(21));
    }
    return s;
  }

  /** One click a minute later than the previous: decay plus 240 harmonic updates. */
  @Benchmark
  public RecipientState signalUpdate() {
    clock += 60;
    updating.update(1.0, Instant.ofEpochSecond(clock), halfLife);
    return updating;
  }

  @Benchmark
  public TimingChoice decideSevenDayWindow() {
    return engine.decide(sevenDays);
  }

  @Benchmark
  public TimingChoice decideSevenDayWindowWithContext() {
    return engine.decide(sevenDaysWithContext);
  }

  @Benchmark
  public TimingChoice decideOneDayWindow() {
    return engine.decide(oneDay);
  }

  @Benchmark
  public byte[] stateToBytes() {
    return state.toBytes();
  }

  @Benchmark
  public RecipientState stateFromBytes() {
    return RecipientState.fromBytes(bytes);
  }
}
