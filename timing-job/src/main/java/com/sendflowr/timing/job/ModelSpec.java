package com.sendflowr.timing.job;

import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.TimingEngine;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The timing model a job runs with, in a form that travels inside the job graph: the population
 * prior's versioned bytes (a new recipient starts from the learned crowd, not a flat curve) and the
 * version label every decision carries.
 *
 * @param prior {@link PopulationPrior#toBytes()}, or null for none (a flat prior)
 */
public record ModelSpec(byte[] prior, String modelVersion) implements Serializable {

  public static ModelSpec defaults() {
    return new ModelSpec(null, TimingPolicy.DEFAULT_MODEL_VERSION);
  }

  /**
   * Reads a prior file written by {@code bin/sendflowr bootstrap --prior-out} (or any {@link
   * PopulationPrior#toBytes()}); fails now, with the path, rather than at the first decision.
   */
  public static ModelSpec withPriorFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the prior file " + file, e);
    }
    try {
      PopulationPrior.fromBytes(bytes);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          file + " is not a population prior file: " + e.getMessage(), e);
    }
    return new ModelSpec(bytes, TimingPolicy.DEFAULT_MODEL_VERSION);
  }

  public ModelConfig config() {
    return ModelConfig.defaults();
  }

  public PopulationPrior populationPrior() {
    return prior == null ? PopulationPrior.empty() : PopulationPrior.fromBytes(prior);
  }

  public TimingEngine engine() {
    return new TimingEngine(config(), populationPrior());
  }
}
