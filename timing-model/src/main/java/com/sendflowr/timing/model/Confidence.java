package com.sendflowr.timing.model;

/**
 * How much the model trusts its own timing, in [0, 1]: the geometric mean of evidence (how much
 * decayed history the recipient has) and sharpness (how peaked the curve is: a flat curve gains
 * nothing from timing however much history stands behind it).
 *
 * @param evidence {@code m / (m + halfSaturation)} for decayed evidence m
 * @param sharpness {@code 1 - 1 / peakLift}: 0 for a flat curve
 */
public record Confidence(
    double score, double evidence, double sharpness, double decayedEvidence, double peakLift) {

  static Confidence of(double decayedEvidence, double halfSaturation, double peakLift) {
    double e = decayedEvidence / (decayedEvidence + halfSaturation);
    double s = peakLift > 1 ? 1 - 1 / peakLift : 0;
    return new Confidence(Math.sqrt(e * s), e, s, decayedEvidence, peakLift);
  }
}
