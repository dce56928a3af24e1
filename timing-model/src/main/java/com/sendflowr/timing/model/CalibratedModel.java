package com.sendflowr.timing.model;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A model configuration chosen by calibration, with the evidence for each choice. */
public record CalibratedModel(
    String format,
    Instant until,
    ModelConfig config,
    List<Object> evidence,
    PopulationPrior prior) {
  public static final String FORMAT = "sendflowr-calibrated-model-v1";

  public static CalibratedModel read(Path file) throws IOException {
    throw new IOException("not yet");
  }
}
