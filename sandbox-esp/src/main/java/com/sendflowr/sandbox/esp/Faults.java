package com.sendflowr.sandbox.esp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The programmed misbehaviour of a {@link SandboxEsp}. Rules apply in the order they were added; a
 * call consumes the first rule that still covers calls. Examples:
 *
 * <pre>{@code
 * esp.faults().next(3).status(429).retryAfterSeconds(1); // rate-limit the next 3 calls
 * esp.faults().next(1).status(503);                       // then one server error
 * esp.faults().always().delay(Duration.ofSeconds(2));     // afterwards every call is slow
 * esp.faults().clear();                                   // back to normal
 * }</pre>
 */
public final class Faults {

  private static final class Rule {
    final Fault fault = new Fault();
    int remaining; // -1 = unlimited

    Rule(int remaining) {
      this.remaining = remaining;
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  Faults() {}

  /** A fault for the next {@code calls} calls (after those of rules added earlier). */
  public synchronized Fault next(int calls) {
    if (calls <= 0) {
      throw new IllegalArgumentException("calls must be positive: " + calls);
    }
    Rule rule = new Rule(calls);
    rules.add(rule);
    return rule.fault;
  }

  /** A fault for every call from now on (after earlier limited rules), until {@link #clear()}. */
  public synchronized Fault always() {
    Rule rule = new Rule(-1);
    rules.add(rule);
    return rule.fault;
  }

  /** Shorthand for {@code always().delay(duration)}. */
  public Fault delay(Duration duration) {
    return always().delay(duration);
  }

  /** Removes all rules, including ones not used up yet. */
  public synchronized void clear() {
    rules.clear();
  }

  /** Number of calls still covered by limited rules (unlimited rules are not counted). */
  public synchronized int pendingCalls() {
    return rules.stream().filter(r -> r.remaining > 0).mapToInt(r -> r.remaining).sum();
  }

  /** The fault for the call being handled now, or null to behave normally. */
  synchronized Fault take() {
    Iterator<Rule> it = rules.iterator();
    while (it.hasNext()) {
      Rule rule = it.next();
      if (rule.remaining < 0) {
        return rule.fault;
      }
      if (rule.remaining > 0) {
        rule.remaining--;
        if (rule.remaining == 0) {
          it.remove();
        }
        return rule.fault;
      }
      it.remove();
    }
    return null;
  }
}
