package com.sendflowr.configservice;

import java.util.Locale;

/** What an API token may do; each role includes the ones before it. */
public enum Role {
  /** Read everything (credentials are never readable by anyone). */
  VIEWER,
  /** Also change intents, signal mappings and bindings. */
  EDITOR,
  /** Also change ESP accounts and their credentials, import config, manage tokens. */
  ADMIN;

  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromWire(String wire) {
    for (Role r : values()) {
      if (r.wire().equals(wire)) {
        return r;
      }
    }
    throw ApiException.invalid("role", "must be viewer, editor or admin");
  }
}
