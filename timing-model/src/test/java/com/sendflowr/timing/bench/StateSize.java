package com.sendflowr.timing.bench;

import com.sendflowr.timing.model.RecipientState;
import java.time.Duration;
import java.time.Instant;

/** Prints the serialised state size for an empty and a long-history recipient (it is fixed). */
public final class StateSize {
  private StateSize() {}

  public static void main(String[] args) {
    RecipientState s = new RecipientState();
    int empty = s.toBytes().length;
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < 1_000_000; i++) {
      s.update(1.0, t.plusSeconds(97L * i), Duration.ofDays(21));
    }
    System.out.printf(
        "empty: %d bytes, after 1,000,000 signals: %d bytes (target <= 2048)%n",
        empty, s.toBytes().length);
  }
}
