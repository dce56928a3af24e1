package com.sendflowr.timing.tools;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.IntentPolicy;
import com.sendflowr.timing.model.LatencyTracker;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.RecipientState;
import com.sendflowr.timing.model.TimingChoice;
import com.sendflowr.timing.model.TimingEngine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Generates synthetic recipients with known ("latent") weekly rhythms, writes their signals as
 * canonical JSONL, and scores the engine and the baselines against an oracle that knows each
 * rhythm: {@code oracle_uplift_captured = (policy - random) / (oracle - random)} of the expected
 * click probability of the message at its arrival minute.
 *
 * <p>Everything is reproducible from {@code --seed}: each recipient's persona and events come from
 * its own random stream, so the rhythm can be regenerated for scoring instead of being kept.
 */
final class Simulator {

  /** Click probability at the least and most responsive minute of a recipient's week. */
  static final double RESPONSE_FLOOR = 0.005;

  static final double RESPONSE_PEAK = 0.12;

  static final String ORACLE = "oracle";
  static final String REFERENCE = "posterior_reference";
  static final String ORACLE_WITHOUT_DAY_NOISE = "oracle_without_day_noise";

  /** Posterior draws the reference policy averages over. */
  static final int REFERENCE_SAMPLES = 100;

  record Options(
      Path out,
      int recipients,
      int weeks,
      long seed,
      double sessionsPerWeek,
      double mppShare,
      double dayNoise,
      double responseMinutes,
      double driftShare,
      int windowDays,
      Instant start,
      int referenceRecipients,
      int referenceIterations,
      ModelConfig config,
      String modelArguments,
      boolean calibrate) {}

  private final Options o;
  private final PrintStream log;
  private final Instant cutoff;
  private final Instant windowEnd;

  Simulator(Options o, PrintStream log) {
    this.o = o;
    this.log = log;
    this.cutoff = o.start().plus(Duration.ofDays(7L * o.weeks()));
    this.windowEnd = cutoff.plus(Duration.ofDays(o.windowDays()));
  }

  /** True mean ESP latency for a dispatch: slow during the afternoon campaign rush (UTC). */
  static double trueLatencySeconds(Instant dispatch) {
    int hour = (int) Math.floorMod(Math.floorDiv(dispatch.getEpochSecond(), 3600L), 24L);
    double rush = hour >= 13 && hour < 18 ? 1.0 : hour >= 8 && hour < 13 ? 0.3 : 0.05;
    return 20 + 400 * rush;
  }

  /**
   * A recipient's latent rhythm: arrival-minute density over the UTC week, and its response. Some
   * recipients change routine once during the history (a new job, a move); their sessions before
   * {@code switchWeek} follow the old rhythm, and the decision window follows the new one.
   */
  static final class Persona {
    final SimulatedRhythm rhythm;
    final double[] density;
    final double[] cumulative;
    final double[] earlierCumulative;
    final int switchWeek;
    final double[] attention;
    final double maxAttention;
    final double sessionsPerWeek;
    final boolean mpp;
    final boolean appUser;

    Persona(SplittableRandom r, Options o) {
      int tz = SimulatedRhythm.drawTimeZone(r);
      rhythm = SimulatedRhythm.draw(r, tz, o.dayNoise());
      density = rhythm.density();
      cumulative = SimulatedRhythm.cumulative(density);
      if (o.weeks() > 1 && r.nextDouble() < o.driftShare()) {
        earlierCumulative =
            SimulatedRhythm.cumulative(SimulatedRhythm.draw(r, tz, o.dayNoise()).density());
        switchWeek = 1 + r.nextInt(o.weeks() - 1);
      } else {
        earlierCumulative = null;
        switchWeek = 0;
      }
      // A message is seen at the recipient's next look at the inbox and loses the top spot as
      // time passes: its click chance is the activity over the following minutes, discounted
      // with an e-folding time of responseMinutes (0 = only the arrival minute counts).
      attention = SimulatedRhythm.attention(density, o.responseMinutes());
      maxAttention = max(attention);
      sessionsPerWeek = o.sessionsPerWeek() * Math.exp(0.5 * SimulatedRhythm.gaussian(r) - 0.125);
      mpp = r.nextDouble() < o.mppShare();
      appUser = r.nextDouble() < 0.2;
    }

    /** The click probability of a message that arrives at {@code t}. */
    double response(Instant t) {
      return response(MinuteOfWeek.of(t));
    }

    double response(int minuteOfWeek) {
      return RESPONSE_FLOOR
          + (RESPONSE_PEAK - RESPONSE_FLOOR)
              * attention[Math.floorMod(minuteOfWeek, attention.length)]
              / maxAttention;
    }

    /** A session start minute-of-week (fractional) drawn from the rhythm active in that week. */
    double sampleMinute(SplittableRandom r, int week) {
      return SimulatedRhythm.sampleMinute(r, week < switchWeek ? earlierCumulative : cumulative);
    }
  }

  static double max(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static double exponential(SplittableRandom r, double mean) {
    return -mean * Math.log(1 - r.nextDouble());
  }

  private SplittableRandom personaRandom(int i) {
    return new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + i);
  }

  private SplittableRandom eventRandom(int i) {
    return new SplittableRandom((o.seed() ^ 0x5DEECE66DL) * 0xBF58476D1CE4E5B9L + i);
  }

  static String recipientId(int i) {
    return String.format("sim-%07d", i);
  }

  /** One generated event before it is written. */
  record Event(SignalType type, Instant at, Map<String, Object> properties) {}

  /**
   * All events of one recipient from start to the end of the decision window, in time order. The
   * start minute-of-week of every history session since the recipient's last routine change is
   * added to {@code sessionsSinceChange} (for the reference policy), if it is not null.
   */
  List<Event> events(Persona p, SplittableRandom r, List<Double> sessionsSinceChange) {
    List<Event> out = new ArrayList<>();
    int weeks = o.weeks() + (o.windowDays() + 6) / 7;
    for (int w = 0; w < weeks; w++) {
      Instant weekStart = o.start().plus(Duration.ofDays(7L * w));
      int n = poisson(r, p.sessionsPerWeek);
      for (int s = 0; s < n; s++) {
        double minute = p.sampleMinute(r, w);
        Instant t = weekStart.plusMillis((long) (minute * 60_000));
        if (sessionsSinceChange != null && w >= p.switchWeek && w < o.weeks()) {
          sessionsSinceChange.add(minute);
        }
        session(p, r, t, out);
      }
      // Two weekly campaigns at fixed UTC times: the source of MPP-inflated opens.
      for (Duration offset : List.of(Duration.ofHours(24 + 14), Duration.ofHours(4 * 24 + 16))) {
        Instant dispatch = weekStart.plus(offset).plusSeconds(r.nextInt(20 * 60));
        double latency = trueLatencySeconds(dispatch) * (0.8 + 0.4 * r.nextDouble());
        Instant delivered = dispatch.plusMillis((long) (latency * 1000));
        out.add(
            new Event(
                SignalType.DELIVERED, delivered, Map.of("dispatched_at", dispatch.toString())));
        if (p.mpp) {
          out.add(new Event(SignalType.OPEN, delivered.plusSeconds(r.nextInt(120)), Map.of()));
        } else if (r.nextDouble() < 0.35) {
          out.add(
              new Event(
                  SignalType.OPEN,
                  delivered.plusMillis((long) (exponential(r, 4 * 3600) * 1000)),
                  Map.of()));
        }
        if (r.nextDouble() < p.response(delivered)) {
          out.add(
              new Event(
                  SignalType.CLICK,
                  delivered.plusMillis((long) (exponential(r, 600) * 1000)),
                  Map.of("campaign", "weekly")));
        }
      }
    }
    out.removeIf(e -> !e.at().isBefore(windowEnd));
    out.sort((a, b) -> a.at().compareTo(b.at()));
    return out;
  }

  /** A bursty session: arrival (site visit or app open), clicks, sometimes a conversion. */
  private static void session(Persona p, SplittableRandom r, Instant t, List<Event> out) {
    if (r.nextDouble() < 0.6) {
      out.add(new Event(p.appUser ? SignalType.APP_OPEN : SignalType.SITE_VISIT, t, Map.of()));
    }
    if (r.nextDouble() < 0.8) {
      out.add(
          new Event(SignalType.CLICK, t.plusMillis((long) (exponential(r, 180) * 1000)), Map.of()));
    }
    if (r.nextDouble() < 0.3) {
      out.add(
          new Event(SignalType.CLICK, t.plusMillis((long) (exponential(r, 480) * 1000)), Map.of()));
    }
    if (r.nextDouble() < 0.1) {
      out.add(
          new Event(
              SignalType.CONVERSION, t.plusMillis((long) (exponential(r, 900) * 1000)), Map.of()));
    }
  }

  private static int poisson(SplittableRandom r, double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l);
    return k - 1;
  }

  /** One policy's expected click probability and the share of the oracle's uplift it captures. */
  record PolicyScore(double meanClickProbability, double oracleUpliftCaptured) {}

  /** Every policy's score (one JSON field per policy) and the recipients scored. */
  static final class PolicyTable {
    private final Map<String, PolicyScore> byPolicy;
    private final long recipients;

    PolicyTable(Map<String, PolicyScore> byPolicy, long recipients) {
      this.byPolicy = Map.copyOf(byPolicy);
      this.order = List.copyOf(byPolicy.keySet());
      this.recipients = recipients;
    }

    private final List<String> order;

    @JsonAnyGetter
    Map<String, PolicyScore> byPolicy() {
      Map<String, PolicyScore> m = new LinkedHashMap<>();
      order.forEach(p -> m.put(p, byPolicy.get(p)));
      return m;
    }

    @JsonProperty("recipients")
    long recipients() {
      return recipients;
    }
  }

  record SimulationOptions(
      int recipients,
      int weeks,
      long seed,
      double sessionsPerWeek,
      double mppShare,
      double dayNoise,
      double responseMinutes,
      double driftShare,
      int windowDays,
      String start,
      int referenceRecipients) {}

  record EventCounts(
      double mean,
      int p10,
      int median,
      @JsonProperty("share_with_10_or_more") double shareWith10OrMore) {}

  record Ablation(
      double engineWithoutLatencyCompensationUpliftCaptured,
      double engineWithTrueRhythmUpliftCaptured,
      double oracleWithoutDayNoiseUpliftCaptured) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Targets(
      @JsonProperty("engine_captures_at_least_80_percent") boolean engineCapturesAtLeast80Percent,
      @JsonProperty("engine_captures_at_least_80_percent_with_10_or_more_events")
          boolean engineCapturesAtLeast80PercentWith10OrMoreEvents,
      boolean engineBeatsEveryBaseline,
      @JsonProperty("posterior_reference_captures_at_least_80_percent_with_10_or_more_events")
          Boolean posteriorReferenceCapturesAtLeast80PercentWith10OrMoreEvents) {}

  record ReferenceRow(
      long recipients,
      double posteriorReference,
      double engine,
      double hourlyHistogram,
      double oracleWithoutDayNoise) {}

  record Reference(
      int recipients,
      int iterations,
      int chains,
      int samples,
      String given,
      Map<String, ReferenceRow> upliftCaptured) {}

  /** The simulation report (simulation.json), serialised in snake_case. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Report(
      String command,
      SimulationOptions options,
      String configuration,
      Backtest.ModelSummary model,
      String signalsFile,
      long signalsWritten,
      String cutoff,
      String windowEnd,
      EventCounts historyEngagementEventsPerRecipientExcludingOpens,
      long latencyObservations,
      double engineFallbackShare,
      PolicyTable policies,
      @JsonProperty("policies_recipients_with_10_or_more_events")
          PolicyTable policiesRecipientsWith10OrMoreEvents,
      Ablation ablation,
      Reference posteriorReference,
      Targets targets,
      String backtestCommand,
      double elapsedSeconds) {}

  /** Sums of expected click probability per policy, for all recipients or a subgroup. */
  static final class Scores {
    final Map<String, Double> sum = new LinkedHashMap<>();
    long recipients;

    void add(String policy, double v) {
      sum.merge(policy, v, Double::sum);
    }

    /** Adds one recipient's expected click probability under every policy. */
    void add(Map<String, Double> perPolicy) {
      perPolicy.forEach(this::add);
      recipients++;
    }

    PolicyTable table(List<String> policies) {
      Map<String, PolicyScore> m = new LinkedHashMap<>();
      for (String p : policies) {
        double v = sum.getOrDefault(p, 0.0);
        m.put(
            p,
            new PolicyScore(
                PolicyMetrics.round(recipients == 0 ? 0 : v / recipients),
                PolicyMetrics.round(captured(p))));
      }
      return new PolicyTable(m, recipients);
    }

    double captured(String p) {
      double random = sum.getOrDefault(Policies.UNIFORM_RANDOM, 0.0);
      double oracle = sum.getOrDefault(ORACLE, 0.0);
      return oracle > random ? (sum.getOrDefault(p, 0.0) - random) / (oracle - random) : 0;
    }
  }

  Report run() throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(o.out());
    ModelConfig cfg = o.config();
    int n = o.recipients();
    // What calibration sees: the engagement signals before the cutoff, nothing after it.
    SignalHistory.Builder past = o.calibrate() ? new SignalHistory.Builder() : null;
    RecipientState[] states = new RecipientState[n];
    HourHistogram[] histograms = new HourHistogram[n];
    int[] engagementCounts = new int[n];
    HourHistogram global = new HourHistogram();
    LatencyTracker tracker = LatencyTracker.withDefaults();
    long written = 0;
    int referenceCount = Math.min(n, o.referenceRecipients());
    double[][] referenceSessions = new double[referenceCount][];
    Path signals = o.out().resolve("signals.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(signals, StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        Persona p = new Persona(personaRandom(i), o);
        String id = recipientId(i);
        RecipientState st = new RecipientState();
        HourHistogram h = new HourHistogram();
        int seq = 0;
        List<Double> sessions = i < referenceCount ? new ArrayList<>() : null;
        for (Event e : events(p, eventRandom(i), sessions)) {
          Signal s =
              new Signal(
                  id + "-" + seq++,
                  e.type().wire(),
                  e.at(),
                  id,
                  Map.of(),
                  "simulator",
                  e.properties());
          out.write(Contracts.toJson(s));
          out.newLine();
          written++;
          if (!e.at().isBefore(cutoff)) {
            continue;
          }
          if (e.type().category() == SignalType.Category.ENGAGEMENT) {
            if (past != null) {
              past.add(id, e.type(), e.at().toEpochMilli());
            }
            st.update(e.type(), e.at(), cfg);
            h.add(e.at());
            global.add(e.at());
            if (e.type() != SignalType.OPEN) {
              engagementCounts[i]++;
            }
          } else if (e.type() == SignalType.DELIVERED) {
            tracker.observe(Instant.parse((String) e.properties().get("dispatched_at")), e.at());
          }
        }
        st.decayTo(cutoff, cfg.halfLife());
        if (sessions != null) {
          referenceSessions[i] = sessions.stream().mapToDouble(Double::doubleValue).toArray();
        }
        states[i] = st;
        histograms[i] = h;
        if ((i + 1) % 10_000 == 0) {
          log.printf("simulate: %,d recipients, %,d signals written%n", i + 1, written);
        }
      }
    }
    if (past != null) {
      SignalHistory h = past.build();
      cfg =
          Calibrator.calibrate(
                  h,
                  cutoff,
                  Calibrator.Options.defaults()
                      .withHorizon(Duration.ofDays(o.windowDays()))
                      .withLog(log))
              .config();
      // Refit with the calibrated configuration (fit-time settings may have changed).
      for (int i = 0; i < n; i++) {
        int r = h.indexOf(recipientId(i));
        RecipientState st = new RecipientState();
        for (int k = 0; r >= 0 && k < h.times(r).length; k++) {
          st.update(h.type(r, k), Instant.ofEpochMilli(h.times(r)[k]), cfg);
        }
        st.decayTo(cutoff, cfg.halfLife());
        states[i] = st;
      }
    }
    PopulationPrior.Builder pb = PopulationPrior.builder(cfg);
    for (RecipientState s : states) {
      pb.add(s);
    }
    TimingEngine engine = new TimingEngine(cfg, pb.build());
    IntentPolicy intent = IntentPolicy.defaults("simulated_promo");
    Instant to = windowEnd.minusSeconds(1);
    Scores all = new Scores();
    Scores rich = new Scores();
    long fallbacks = 0;
    int windowMinutes = (int) Duration.between(cutoff, windowEnd).toMinutes();
    int cutoffMinute = MinuteOfWeek.of(cutoff);
    int[] referenceOffsets = referenceOffsets(referenceSessions, cutoffMinute, windowMinutes);
    Map<String, Scores> reference = new LinkedHashMap<>();
    for (String group : List.of("all", "with_10_or_more_events", "without_routine_change")) {
      reference.put(group, new Scores());
    }
    for (int i = 0; i < n; i++) {
      Persona p = new Persona(personaRandom(i), o);
      String id = recipientId(i);
      double random = 0;
      double oracle = 0;
      for (int m = 0; m < windowMinutes; m++) {
        double v = p.response((cutoffMinute + m) % MinuteOfWeek.MINUTES_PER_WEEK);
        random += v;
        oracle = Math.max(oracle, v);
      }
      random /= windowMinutes;
      DecisionRequest req =
          new DecisionRequest(
              id, intent.intentId(), cutoff, cutoff, to, states[i], null, tracker, intent);
      TimingChoice c = engine.decide(req);
      if (c.fallback()) {
        fallbacks++;
      }
      TimingChoice prior = Policies.populationPrior(engine, req);
      Instant hourly = Policies.hourlyHistogram(histograms[i], global, cutoff, to);
      Instant best = Policies.globalBestHour(global, cutoff, to);
      Map<String, Double> v = new LinkedHashMap<>();
      v.put(Policies.ENGINE, p.response(arrival(c.trigger())));
      v.put(Policies.UNIFORM_RANDOM, random);
      v.put(Policies.POPULATION_PRIOR, p.response(arrival(prior.trigger())));
      v.put(Policies.HOURLY_HISTOGRAM, p.response(arrival(hourly)));
      v.put(Policies.GLOBAL_BEST_HOUR, p.response(arrival(best)));
      v.put(ORACLE, oracle);
      v.put("engine_without_latency_compensation", p.response(arrival(c.target())));
      TimingChoice ideal =
          engine.decide(
              new DecisionRequest(
                  id,
                  intent.intentId(),
                  cutoff,
                  cutoff,
                  to,
                  trueRhythmState(p, cutoff, cfg),
                  null,
                  tracker,
                  intent));
      v.put("engine_with_true_rhythm", p.response(arrival(ideal.trigger())));
      v.put(
          ORACLE_WITHOUT_DAY_NOISE,
          p.response(
              cutoffMinute
                  + RhythmPosterior.bestOffset(
                      SimulatedRhythm.attention(
                          p.rhythm.withoutDayNoise().density(), o.responseMinutes()),
                      cutoffMinute,
                      windowMinutes)));
      all.add(v);
      if (engagementCounts[i] >= 10) {
        rich.add(v);
      }
      if (i < referenceCount) {
        v.put(REFERENCE, p.response(cutoffMinute + referenceOffsets[i]));
        reference.get("all").add(v);
        if (engagementCounts[i] >= 10) {
          reference.get("with_10_or_more_events").add(v);
        }
        if (p.switchWeek == 0) {
          reference.get("without_routine_change").add(v);
        }
      }
    }

    List<String> policies = new ArrayList<>(Policies.ALL);
    policies.add(ORACLE);
    int[] sorted = engagementCounts.clone();
    Arrays.sort(sorted);
    boolean beats = true;
    for (String b : Policies.BASELINES) {
      beats &= all.captured(Policies.ENGINE) > all.captured(b);
    }
    Report report =
        new Report(
            "simulate",
            new SimulationOptions(
                n,
                o.weeks(),
                o.seed(),
                o.sessionsPerWeek(),
                o.mppShare(),
                o.dayNoise(),
                o.responseMinutes(),
                o.driftShare(),
                o.windowDays(),
                o.start().toString(),
                referenceCount),
            o.calibrate() ? "calibrated on the signals before the cutoff" : "pinned",
            Backtest.ModelSummary.of(cfg),
            signals.toString(),
            written,
            cutoff.toString(),
            windowEnd.toString(),
            new EventCounts(
                PolicyMetrics.round(Arrays.stream(sorted).average().orElse(0)),
                sorted[n / 10],
                sorted[n / 2],
                PolicyMetrics.round((double) rich.recipients / n)),
            tracker.observations(),
            PolicyMetrics.round((double) fallbacks / n),
            all.table(policies),
            rich.table(policies),
            new Ablation(
                PolicyMetrics.round(all.captured("engine_without_latency_compensation")),
                // The same engine fed the recipient's true current rhythm as a million events:
                // what the model's structure can reach without sampling noise or routine drift.
                PolicyMetrics.round(all.captured("engine_with_true_rhythm")),
                // The best minute of the true routine with its weekday noise removed: the
                // oracle's share that comes from knowing which weekdays happen to be busier.
                PolicyMetrics.round(all.captured(ORACLE_WITHOUT_DAY_NOISE))),
            referenceCount > 0 ? referenceReport(reference, referenceCount) : null,
            new Targets(
                all.captured(Policies.ENGINE) >= 0.8,
                rich.captured(Policies.ENGINE) >= 0.8,
                beats,
                // Whether the 80 % target is within reach of any policy in this world at all.
                referenceCount > 0
                    ? reference.get("with_10_or_more_events").captured(REFERENCE) >= 0.8
                    : null),
            String.format(
                "java -jar timing-tools/target/timing-tools-cli.jar backtest --signals %s"
                    + " --cutoff %s --horizon P%dD --out %s%s",
                signals, cutoff, o.windowDays(), o.out().resolve("backtest"), o.modelArguments()),
            PolicyMetrics.round((System.nanoTime() - t0) / 1e9));
    Files.writeString(
        o.out().resolve("simulation.json"),
        Contracts.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    return report;
  }

  /**
   * The reference policy's arrival offset in the window for each recipient that has sessions
   * recorded: posterior sampling per recipient, in parallel, each from its own seeded stream.
   */
  private int[] referenceOffsets(double[][] sessions, int cutoffMinute, int windowMinutes) {
    int[] offsets = new int[sessions.length];
    if (sessions.length == 0) {
      return offsets;
    }
    long t0 = System.nanoTime();
    AtomicInteger done = new AtomicInteger();
    IntStream.range(0, sessions.length)
        .parallel()
        .forEach(
            i -> {
              double[] expected =
                  new RhythmPosterior(
                          sessions[i],
                          o.dayNoise(),
                          o.responseMinutes(),
                          o.seed() * 0xD1B54A32D192ED03L + i)
                      .expectedResponse(o.referenceIterations(), REFERENCE_SAMPLES);
              offsets[i] = RhythmPosterior.bestOffset(expected, cutoffMinute, windowMinutes);
              int d = done.incrementAndGet();
              if (d % 500 == 0) {
                log.printf(
                    "simulate: posterior reference %,d / %,d recipients%n", d, sessions.length);
              }
            });
    log.printf(
        "simulate: posterior reference for %,d recipients in %.1f s%n",
        sessions.length, (System.nanoTime() - t0) / 1e9);
    return offsets;
  }

  private Reference referenceReport(Map<String, Scores> groups, int recipients) {
    Map<String, ReferenceRow> captured = new LinkedHashMap<>();
    for (Map.Entry<String, Scores> g : groups.entrySet()) {
      Scores sc = g.getValue();
      captured.put(
          g.getKey(),
          new ReferenceRow(
              sc.recipients,
              PolicyMetrics.round(sc.captured(REFERENCE)),
              PolicyMetrics.round(sc.captured(Policies.ENGINE)),
              PolicyMetrics.round(sc.captured(Policies.HOURLY_HISTOGRAM)),
              PolicyMetrics.round(sc.captured(ORACLE_WITHOUT_DAY_NOISE))));
    }
    return new Reference(
        recipients,
        o.referenceIterations(),
        RhythmPosterior.CHAINS,
        REFERENCE_SAMPLES,
        "the simulator's rhythm family as prior and the exact start of every session since the"
            + " recipient's last routine change; it chooses the arrival minute directly",
        captured);
  }

  /**
   * A state holding the persona's current rhythm itself as evidence: 10-minute bins of its density
   * (far finer than the narrowest kernel), a million events in total, all at {@code at}.
   */
  static RecipientState trueRhythmState(Persona p, Instant at, ModelConfig cfg) {
    RecipientState s = new RecipientState();
    for (int bin = 0; bin < MinuteOfWeek.MINUTES_PER_WEEK; bin += 10) {
      double w = 0;
      for (int m = bin; m < bin + 10; m++) {
        w += p.density[m];
      }
      s.update(1e6 * w, at.getEpochSecond() - 1, bin + 5.0, cfg.halfLife());
    }
    return s;
  }

  /** When a message triggered at {@code trigger} actually lands (mean true latency). */
  private static Instant arrival(Instant trigger) {
    return trigger.plusMillis((long) (trueLatencySeconds(trigger) * 1000));
  }

  static String summary(Report report) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-18s %12s %14s%n", "policy", "mean_click_p", "uplift_captured"));
    report
        .policies()
        .byPolicy()
        .forEach(
            (p, m) ->
                sb.append(
                    String.format(
                        "%-18s %12.5f %14.4f%n",
                        p, m.meanClickProbability(), m.oracleUpliftCaptured())));
    if (report.posteriorReference() != null) {
      sb.append("posterior reference: ")
          .append(report.posteriorReference().upliftCaptured())
          .append('\n');
    }
    sb.append("targets: ").append(report.targets()).append('\n');
    sb.append("backtest: ").append(report.backtestCommand());
    return sb.toString();
  }
}
