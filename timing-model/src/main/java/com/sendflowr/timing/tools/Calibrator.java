package com.sendflowr.timing.tools;

import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.CalibratedModel;
import com.sendflowr.timing.model.ModelConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Chooses the model's hyperparameters from the events before a cutoff. */
final class Calibrator {
  private Calibrator() {}

  record Options(int sample, Duration horizon, Set<SignalType> evalTypes) {
    static Options defaults() {
      return new Options(20_000, Duration.ofDays(7), Set.of(SignalType.CLICK));
    }

    Options withSample(int n) {
      return new Options(n, horizon, evalTypes);
    }

    Options withHorizon(Duration h) {
      return new Options(sample, h, evalTypes);
    }

    Options withEvalTypes(Set<SignalType> t) {
      return new Options(sample, horizon, t);
    }
  }

  static CalibratedModel calibrate(SignalHistory h, Instant until, Options o) {
    return new CalibratedModel(
        CalibratedModel.FORMAT, until, ModelConfig.defaults(), List.of(), null);
  }
}
