package com.sendflowr.timing.job;

import java.util.ArrayList;
import java.util.List;

/** The ids whose history was merged into a recipient's, newest last, bounded. */
public record MergedFrom(List<String> ids) {
  /** Enough for an audit trail; a recipient merged from more ids keeps the latest. */
  public static final int MAX_IDS = 16;

  public MergedFrom {
    ids = ids == null ? List.of() : List.copyOf(ids);
  }

  public static MergedFrom empty() {
    return new MergedFrom(List.of());
  }

  public MergedFrom with(String id) {
    if (ids.contains(id)) {
      return this;
    }
    List<String> next = new ArrayList<>(ids);
    next.add(id);
    while (next.size() > MAX_IDS) {
      next.remove(0);
    }
    return new MergedFrom(next);
  }
}
