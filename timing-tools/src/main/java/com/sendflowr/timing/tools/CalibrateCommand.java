package com.sendflowr.timing.tools;

import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.CalibratedModel;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.RecipientState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * {@code calibrate}: chooses the model configuration from the signals before {@code --until} and
 * writes it, with the evidence for each choice and the prior learned with it, as a versioned file
 * the streaming job and {@code backtest --model} load.
 */
final class CalibrateCommand {

  static final String USAGE =
      """
      Usage: calibrate --signals FILE.jsonl --until ISO_INSTANT --out model.json
                       [--horizon P7D] [--eval-types click,...] [--sample N] [--folds N]
                       [--no-prior] [--progress-every N]

        --signals        canonical signals, one JSON object per line
        --until          only signals strictly before this instant are read
        --out            the calibrated model file (versioned JSON)
        --horizon        length of each validation fold (default P7D)
        --eval-types     signal types whose timing the folds score (default: click)
        --sample         recipients looked at, the same ones whatever the file order
                         (default 20000)
        --folds          validation folds back from --until (default 8)
        --no-prior       do not store the population prior learned with the configuration
        --progress-every lines between progress reports on stderr (default 1000000)
      """;

  static final Set<String> OPTIONS =
      Set.of(
          "signals",
          "until",
          "out",
          "horizon",
          "eval-types",
          "sample",
          "folds",
          "no-prior",
          "progress-every");

  record Options(
      Path signals,
      Instant until,
      Path out,
      Calibrator.Options calibration,
      boolean withPrior,
      long progressEvery) {}

  static Options parse(CliArgs a, PrintStream log) {
    Path signals = a.path("signals");
    if (!Files.isRegularFile(signals)) {
      throw new UsageException("--signals: no such file " + signals);
    }
    Duration horizon = a.duration("horizon", Duration.ofDays(7));
    return new Options(
        signals,
        a.instant("until"),
        a.path("out"),
        Calibrator.Options.defaults()
            .withHorizon(horizon)
            .withEvalTypes(a.signalTypes("eval-types", Set.of(SignalType.CLICK)))
            .withSample((int) a.longValue("sample", 20_000, 100, 10_000_000))
            .withFolds((int) a.longValue("folds", 8, 1, 104))
            .withLog(log),
        !a.flag("no-prior"),
        a.longValue("progress-every", 1_000_000, 1, Long.MAX_VALUE));
  }

  static CalibratedModel run(Options o, PrintStream log) throws IOException {
    long t0 = System.nanoTime();
    SignalHistory h =
        SignalHistory.load(
            o.signals(),
            "calibrate",
            log,
            o.progressEvery(),
            o.calibration().sample(),
            o.until().getEpochSecond());
    CalibratedModel m = Calibrator.calibrate(h, o.until(), o.calibration());
    if (o.withPrior()) {
      m =
          new CalibratedModel(
              m.until(), m.samples(), m.config(), m.evidence(), prior(h, o.until(), m.config()));
    }
    if (o.out().getParent() != null) {
      Files.createDirectories(o.out().getParent());
    }
    m.write(o.out());
    log.printf("calibrate: done in %.1f s, model in %s%n", (System.nanoTime() - t0) / 1e9, o.out());
    return m;
  }

  /** The prior of every recipient with history before {@code until}, in id order. */
  static PopulationPrior prior(SignalHistory h, Instant until, ModelConfig cfg) {
    Backtest.Fitted f = Backtest.fit(h.before(until), until, Duration.ofSeconds(1), Set.of(), cfg);
    PopulationPrior.Builder pb = PopulationPrior.builder(cfg);
    for (Backtest.Recipient r : f.recipients) {
      if (r != null && r.state != null) {
        RecipientState s = r.state;
        s.decayTo(until, cfg.halfLife());
        pb.add(s);
      }
    }
    return pb.build();
  }
}
