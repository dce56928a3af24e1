package com.sendflowr.contract;

import java.time.Instant;

/**
 * ISO-8601 UTC instants read and written without {@code java.time}'s general formatter, which was a
 * tenth of the timing job's CPU: every signal and request carries instants. Same results as {@link
 * Instant#parse} and {@link Instant#toString()}; anything outside the common shape goes to them.
 */
public final class Instants {
  private static final long SECONDS_PER_DAY = 86_400;
  private static final int[] NANO_SCALE = {
    100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  private Instants() {}

  /**
   * Whether {@code s} has the shape {@code yyyy-MM-ddTHH:mm[:ss[.f{1,9}]]Z}: the only shape the
   * contract accepts (the values are checked by {@link #parse}).
   */
  public static boolean isUtcShape(String s) {
    int n = s.length();
    if (n < 17 || s.charAt(n - 1) != 'Z') {
      return false;
    }
    if (!digits(s, 0, 4)
        || s.charAt(4) != '-'
        || !digits(s, 5, 2)
        || s.charAt(7) != '-'
        || !digits(s, 8, 2)
        || s.charAt(10) != 'T'
        || !digits(s, 11, 2)
        || s.charAt(13) != ':'
        || !digits(s, 14, 2)) {
      return false;
    }
    if (n == 17) {
      return true;
    }
    if (n < 20 || s.charAt(16) != ':' || !digits(s, 17, 2)) {
      return false;
    }
    if (n == 20) {
      return true;
    }
    int fraction = n - 21;
    return s.charAt(19) == '.' && fraction >= 1 && fraction <= 9 && digits(s, 20, fraction);
  }

  /** As {@link Instant#parse}, faster for the contract's shape. */
  public static Instant parse(String s) {
    if (!isUtcShape(s)) {
      return Instant.parse(s);
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 2);
    int day = number(s, 8, 2);
    int hour = number(s, 11, 2);
    int minute = number(s, 14, 2);
    int second = s.length() >= 20 ? number(s, 17, 2) : 0;
    if (s.length() == 17) {
      // Without seconds: what Instant.parse does with it (it rejects it) decides.
      return Instant.parse(s);
    }
    if (month < 1
        || month > 12
        || day < 1
        || day > lengthOfMonth(year, month)
        || hour > 23
        || minute > 59
        || second > 59) {
      return Instant.parse(s); // its exception, or its leap-second rule
    }
    int nanos = 0;
    int fraction = s.length() - 21;
    for (int i = 0; i < fraction; i++) {
      nanos += (s.charAt(20 + i) - '0') * NANO_SCALE[i];
    }
    long epochDay = epochDay(year, month, day);
    return Instant.ofEpochSecond(
        epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
  }

  /** As {@link Instant#toString()}, faster for years 0000 to 9999. */
  public static String format(Instant t) {
    long seconds = t.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    // Civil date from days (Howard Hinnant's algorithm).
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      return t.toString();
    }
    char[] b = new char[30];
    put(b, 0, (int) year, 4);
    b[4] = '-';
    put(b, 5, month, 2);
    b[7] = '-';
    put(b, 8, day, 2);
    b[10] = 'T';
    put(b, 11, secondOfDay / 3600, 2);
    b[13] = ':';
    put(b, 14, secondOfDay / 60 % 60, 2);
    b[16] = ':';
    put(b, 17, secondOfDay % 60, 2);
    int n = 19;
    int nanos = t.getNano();
    if (nanos != 0) {
      b[n++] = '.';
      if (nanos % 1_000_000 == 0) {
        put(b, n, nanos / 1_000_000, 3);
        n += 3;
      } else if (nanos % 1_000 == 0) {
        put(b, n, nanos / 1_000, 6);
        n += 6;
      } else {
        put(b, n, nanos, 9);
        n += 9;
      }
    }
    b[n++] = 'Z';
    return new String(b, 0, n);
  }

  private static boolean digits(String s, int from, int count) {
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int number(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  private static void put(char[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static long epochDay(int year, int month, int day) {
    // Days from civil (Howard Hinnant's algorithm), 1970-01-01 is day 0.
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
