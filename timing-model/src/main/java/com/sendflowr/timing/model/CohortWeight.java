package com.sendflowr.timing.model;

/**
 * How much of a recipient's prior came from one cohort.
 *
 * @param cohort index of the cohort in the prior
 * @param responsibility posterior weight of the cohort for this recipient (weights sum to 1)
 */
public record CohortWeight(int cohort, double responsibility) {}
