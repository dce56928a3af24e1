package com.sendflowr.timing.job;

import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.FallbackPolicy;
import com.sendflowr.timing.model.IntentPolicy;
import com.sendflowr.timing.model.TimingChoice;
import com.sendflowr.timing.model.TimingEngine;

/**
 * The seam between the decide operator and how a minute is chosen. Both policies are the timing
 * model's one implementation of the decision math; they differ only in how much of it they use.
 */
public interface TimingPolicy {

  /** {@code model} or {@code asap}, as the explanation names it. */
  String name();

  String modelVersion();

  TimingChoice choose(DecisionRequest request);

  /** The production policy: the recipient's curve, the intent's autonomy threshold, context. */
  static TimingPolicy model(TimingEngine engine, String modelVersion) {
    return new TimingPolicy() {
      @Override
      public String name() {
        return "model";
      }

      @Override
      public String modelVersion() {
        return modelVersion;
      }

      @Override
      public TimingChoice choose(DecisionRequest request) {
        return engine.decide(request);
      }
    };
  }

  /**
   * The labelled fallback: the earliest reachable minute of the window that no circuit breaker
   * covers, latency compensated, with no personal timing. Used when an operator pins it, and for a
   * request the model fails on, so one bad input never stops decisions.
   */
  static TimingPolicy asap(TimingEngine engine) {
    return new TimingPolicy() {
      @Override
      public String name() {
        return "asap";
      }

      @Override
      public String modelVersion() {
        return ASAP_MODEL_VERSION;
      }

      @Override
      public TimingChoice choose(DecisionRequest request) {
        return engine.decide(
            request.withPolicy(
                new IntentPolicy(request.intentId(), 1.0, FallbackPolicy.WINDOW_START)));
      }
    };
  }

  String ASAP_MODEL_VERSION = "asap-v2";
}
