package com.sendflowr.timing.job.identity;

import com.sendflowr.timing.job.TimingInput;

/**
 * What the resolver receives, keyed by {@code route}: a record to resolve under its primary key, or
 * a link for one of its other keys.
 *
 * @param route the routing key: a key's own id, or {@code uid:<universal id>} for a record that
 *     carries its universal id
 * @param record a record whose resolution so far is the plan's (given, deterministic, provisional)
 * @param link a link of the key {@code route} names
 */
public record IdentityInput(String route, TimingInput record, Link link) {
  public IdentityInput {
    if (route == null || route.isEmpty()) {
      throw new IllegalArgumentException("an identity input names its route");
    }
    if ((record == null) == (link == null)) {
      throw new IllegalArgumentException("an identity input holds a record or a link, not both");
    }
  }

  public static IdentityInput of(String route, TimingInput record) {
    return new IdentityInput(route, record, null);
  }

  public static IdentityInput of(String route, Link link) {
    return new IdentityInput(route, null, link);
  }
}
