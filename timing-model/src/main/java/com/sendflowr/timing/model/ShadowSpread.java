package com.sendflowr.timing.model;

/**
 * How shadow segmentation moved the send away from the single best minute so that recipients who
 * share a peak do not all fire at once.
 *
 * @param bucket the recipient's deterministic position in [0, 1), from a hash of its id
 * @param nearOptimalMinutes minutes within {@code tolerance} of the best score near the best minute
 * @param offsetMinutes chosen minute minus best minute
 * @param offsetSeconds second within the chosen minute
 */
public record ShadowSpread(
    double bucket,
    int nearOptimalMinutes,
    int offsetMinutes,
    int offsetSeconds,
    double tolerance) {}
