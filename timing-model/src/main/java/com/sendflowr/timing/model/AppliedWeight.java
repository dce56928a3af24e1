package com.sendflowr.timing.model;

import java.time.Instant;

/** A context weight as it applied at a decision's chosen instant (or window, for breakers). */
public record AppliedWeight(
    String signal, ContextRole role, double weight, Instant from, Instant until) {}
