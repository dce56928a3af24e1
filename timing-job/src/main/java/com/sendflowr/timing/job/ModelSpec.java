package com.sendflowr.timing.job;

import com.sendflowr.timing.model.CalibratedModel;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.TimingEngine;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The timing model a job runs with, in a form that travels inside the job graph: a calibrated model
 * file's text (its configuration, and the prior learned with it) and/or a population prior's
 * versioned bytes. A new recipient starts from the learned crowd, not a flat curve. Files are read
 * and checked when the job is built, so a bad file fails the submission, not the first decision.
 *
 * @param calibrated the text of a file written by {@code bin/sendflowr calibrate}, or null for the
 *     model's defaults
 * @param prior {@link PopulationPrior#toBytes()} (from {@code bootstrap --prior-out}); null to use
 *     the calibrated file's prior, if any, else a flat prior
 */
public record ModelSpec(String calibrated, byte[] prior) implements Serializable {

  public static ModelSpec defaults() {
    return new ModelSpec(null, null);
  }

  /** A calibrated model file, and optionally a prior file that overrides its prior. */
  public static ModelSpec of(Path modelFile, Path priorFile) {
    String calibrated = null;
    if (modelFile != null) {
      try {
        calibrated = Files.readString(modelFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the model file " + modelFile, e);
      }
      try {
        CalibratedModel.parse(calibrated);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            modelFile + " is not a calibrated model file: " + e.getMessage(), e);
      }
    }
    byte[] prior = null;
    if (priorFile != null) {
      try {
        prior = Files.readAllBytes(priorFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the prior file " + priorFile, e);
      }
      try {
        PopulationPrior.fromBytes(prior);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            priorFile + " is not a population prior file: " + e.getMessage(), e);
      }
    }
    return new ModelSpec(calibrated, prior);
  }

  public static ModelSpec withPriorFile(Path file) {
    return of(null, file);
  }

  private CalibratedModel calibratedModel() {
    return calibrated == null ? null : CalibratedModel.parse(calibrated);
  }

  public ModelConfig config() {
    CalibratedModel m = calibratedModel();
    return m == null ? ModelConfig.defaults() : m.config();
  }

  public PopulationPrior populationPrior() {
    if (prior != null) {
      return PopulationPrior.fromBytes(prior);
    }
    CalibratedModel m = calibratedModel();
    return m == null || m.prior() == null ? PopulationPrior.empty() : m.prior();
  }

  /** The label every decision carries: the model's version, and which calibration it runs. */
  public String modelVersion() {
    CalibratedModel m = calibratedModel();
    return m == null
        ? ModelConfig.MODEL_VERSION
        : ModelConfig.MODEL_VERSION + "+cal" + m.until().toString().substring(0, 10);
  }

  public TimingEngine engine() {
    return new TimingEngine(config(), populationPrior());
  }
}
