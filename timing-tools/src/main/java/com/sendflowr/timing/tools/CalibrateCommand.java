package com.sendflowr.timing.tools;

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

  record Options(
      Path signals,
      Instant until,
      Path out,
      Calibrator.Options calibration,
      boolean withPrior,
      long progressEvery) {}

  static CalibratedModel run(Options o, PrintStream log) throws IOException {
    long t0 = System.nanoTime();
    SignalHistory h =
        SignalHistory.load(
            o.signals(),
            "calibrate",
            log,
            o.progressEvery(),
            o.calibration().sample(),
            o.until().toEpochMilli());
    CalibratedModel m = Calibrator.calibrate(h, o.until(), o.calibration());
    PopulationPrior prior = o.withPrior() ? prior(h, o.until(), m.config()) : null;
    if (prior != null && !prior.isEmpty()) {
      m = new CalibratedModel(m.until(), m.samples(), m.config(), m.evidence(), prior);
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
    Backtest.Fitted f =
        Backtest.fit(
            h.before(until), until, Duration.ofSeconds(1), Set.of(), cfg, Backtest.Fit.PAST);
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
