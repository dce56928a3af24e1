package com.sendflowr.timing.job;

import com.sendflowr.timing.model.ContextRules;
import com.sendflowr.timing.model.ContextWeights;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A recipient's recent context signals as they happened (type and time), not as weights: which role
 * a type plays depends on the intent being decided and on config that may change, so the weights
 * are derived per decision from the rules in force then.
 */
public record ContextHistory(List<Event> events) {

  /** At most this many context signals are kept per recipient; the oldest go first. */
  public static final int MAX_EVENTS = 64;

  public record Event(String type, Instant at) {}

  public ContextHistory {
    events = events == null ? List.of() : List.copyOf(events);
  }

  public static ContextHistory empty() {
    return new ContextHistory(List.of());
  }

  /** Adds a signal and forgets what is older than {@code keep} before {@code now}. */
  public ContextHistory with(String type, Instant at, Instant now, Duration keep) {
    List<Event> next = new ArrayList<>(events.size() + 1);
    Instant horizon = now.minus(keep);
    for (Event e : events) {
      if (e.at().isAfter(horizon)) {
        next.add(e);
      }
    }
    if (at.isAfter(horizon)) {
      next.add(new Event(type, at));
    }
    next.sort(Comparator.comparing(Event::at));
    while (next.size() > MAX_EVENTS) {
      next.remove(0);
    }
    return new ContextHistory(next);
  }

  /** The context weights in force at {@code now} for a decision under {@code rules}. */
  public ContextWeights weightsAt(Instant now, ContextRules rules) {
    ContextWeights w = ContextWeights.none();
    for (Event e : events) {
      if (!e.at().isAfter(now)) {
        w = w.apply(e.type(), e.at(), rules);
      }
    }
    return w.pruned(now);
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }
}
