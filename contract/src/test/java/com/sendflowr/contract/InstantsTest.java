package com.sendflowr.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantsTest {
  private static final long Y2000 = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();
  private static final long Y2100 = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();

  @Test
  void formatsAndParsesExactlyAsTheJdkDoes() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      long seconds =
          i % 4 == 0
              ? random.nextLong(-62_000_000_000L, 250_000_000_000L)
              : random.nextLong(Y2000, Y2100);
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(seconds, nanos);
      String jdk = t.toString();
      assertThat(Instants.format(t)).isEqualTo(jdk);
      assertThat(Instants.parse(jdk)).isEqualTo(t);
    }
  }

  @Test
  void readsEveryFractionLength() {
    for (String s :
        new String[] {
          "2026-01-05T09:30:00.1Z",
          "2026-01-05T09:30:00.12Z",
          "2026-01-05T09:30:00.1234Z",
          "2026-01-05T09:30:00.12345678Z",
          "2026-01-05T09:30:00.123456789Z",
          "2024-02-29T23:59:59Z"
        }) {
      assertThat(Instants.isUtcShape(s)).as(s).isTrue();
      assertThat(Instants.parse(s)).as(s).isEqualTo(Instant.parse(s));
    }
  }

  @Test
  void agreesWithTheJdkOnInvalidDatesAndTimes() {
    // The JDK rejects some and resolves others (30 February becomes the month's last day).
    for (String s :
        new String[] {
          "2026-02-30T09:30:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
          "2026-01-05T24:00:00Z", "2026-01-05T09:60:00Z", "2026-00-05T09:30:00Z",
          "2026-04-31T09:30:00Z", "2026-01-32T09:30:00Z", "2026-12-31T23:59:60Z",
          "2026-01-05T09:30Z"
        }) {
      assertThat(Instants.isUtcShape(s)).as(s).isTrue();
      Object jdk;
      try {
        jdk = Instant.parse(s);
      } catch (DateTimeException e) {
        jdk = e.getClass();
      }
      Object ours;
      try {
        ours = Instants.parse(s);
      } catch (DateTimeException e) {
        ours = e.getClass();
      }
      assertThat(ours).as(s).isEqualTo(jdk);
    }
  }

  @Test
  void knowsTheShapeTheContractAccepts() {
    for (String s :
        new String[] {
          "2026-01-05T09:30:00+01:00", "2026-01-05 09:30:00Z", "2026-01-05T09:30:00.Z",
          "2026-01-05T09:30:00.1234567890Z", "2026-1-05T09:30:00Z", "２０２６-01-05T09:30:00Z",
          "2026-01-05T09:30:0Z", ""
        }) {
      assertThat(Instants.isUtcShape(s)).as(s).isFalse();
    }
  }
}
