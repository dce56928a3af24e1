package com.sendflowr.dispatch.esp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {
  private static final RetryPolicy POLICY =
      new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(30));

  private static final RetryPolicy LONG = POLICY;

  /** A lateness budget that never binds in the tests that are not about it. */
  private static final Duration BUDGET = Duration.ofHours(1);

  /** Always draws the lowest value of the range it is asked for. */
  private static final RandomGenerator LOWEST = fixed(true);

  /** Always draws the highest value of the range it is asked for. */
  private static final RandomGenerator HIGHEST = fixed(false);

  private static RandomGenerator fixed(boolean lowest) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new AssertionError("the policy draws from a range");
      }

      @Override
      public long nextLong(long origin, long bound) {
        return lowest ? origin : bound - 1;
      }
    };
  }

  private static long millis(Optional<Duration> d) {
    assertThat(d).isPresent();
    return d.get().toMillis();
  }

  @Test
  void answersAreClassified() {
    for (int s : new int[] {200, 201, 202, 204}) {
      assertThat(RetryPolicy.classify(s)).as("%s", s).isEqualTo(RetryPolicy.Verdict.SUCCESS);
    }
    // 401 and 403: refused credentials wait for a rotated key within the budget.
    for (int s : new int[] {0, 401, 403, 408, 429, 500, 502, 503, 504}) {
      assertThat(RetryPolicy.classify(s)).as("%s", s).isEqualTo(RetryPolicy.Verdict.RETRYABLE);
    }
    for (int s : new int[] {301, 400, 404, 409, 413, 422}) {
      assertThat(RetryPolicy.classify(s)).as("%s", s).isEqualTo(RetryPolicy.Verdict.PERMANENT);
    }
  }

  @Test
  void a429HonoursRetryAfterInSeconds() {
    assertThat(POLICY.nextDelay(1, 429, "7", BUDGET, HIGHEST)).contains(Duration.ofSeconds(7));
    assertThat(POLICY.nextDelay(3, 429, " 2 ", BUDGET, LOWEST)).contains(Duration.ofSeconds(2));
    assertThat(POLICY.nextDelay(1, 429, "-5", BUDGET, HIGHEST)).contains(Duration.ZERO);
  }

  @Test
  void aRetryAfterBeyondTheLatenessBudgetEndsTheCall() {
    Duration left = Duration.ofSeconds(30);
    assertThat(POLICY.nextDelay(1, 429, "30", left, HIGHEST)).contains(Duration.ofSeconds(30));
    assertThat(POLICY.nextDelay(1, 429, "31", left, HIGHEST)).isEmpty();
    assertThat(POLICY.nextDelay(1, 429, "3600", left, LOWEST)).isEmpty();
    // a long Retry-After is honoured when the budget allows it (not capped at maxDelay)
    assertThat(POLICY.nextDelay(1, 429, "120", Duration.ofMinutes(5), LOWEST))
        .contains(Duration.ofMinutes(2));
  }

  @Test
  void a429WithoutAUsableRetryAfterBacksOff() {
    assertThat(millis(POLICY.nextDelay(1, 429, null, BUDGET, HIGHEST))).isEqualTo(200);
    assertThat(millis(POLICY.nextDelay(1, 429, "Wed, 21 Oct 2026 07:28:00 GMT", BUDGET, HIGHEST)))
        .isEqualTo(200);
  }

  @Test
  void retryAfterOnlyCountsFor429() {
    assertThat(millis(POLICY.nextDelay(1, 503, "60", BUDGET, HIGHEST))).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 408, 500, 503})
  void serverErrorsBackOffExponentiallyUpToTheCap(int status) {
    long[] expectedCaps = {200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000};
    for (int attempt = 1; attempt <= expectedCaps.length; attempt++) {
      long cap = expectedCaps[attempt - 1];
      assertThat(millis(LONG.nextDelay(attempt, status, null, BUDGET, HIGHEST)))
          .as("attempt %d upper bound", attempt)
          .isEqualTo(cap);
      assertThat(millis(LONG.nextDelay(attempt, status, null, BUDGET, LOWEST)))
          .as("attempt %d lower bound", attempt)
          .isEqualTo(cap / 2);
    }
    assertThat(millis(LONG.nextDelay(99, status, null, BUDGET, HIGHEST))).isEqualTo(30_000);
  }

  @Test
  void jitterStaysWithinHalfTheCapAndTheCapAndActuallyVaries() {
    SplittableRandom random = new SplittableRandom(42);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 500; i++) {
      long d = millis(LONG.nextDelay(4, 503, null, BUDGET, random));
      assertThat(d).isBetween(800L, 1_600L);
      seen.add(d);
      assertThat(millis(LONG.nextDelay(40, 503, null, BUDGET, random))).isBetween(15_000L, 30_000L);
    }
    assertThat(seen.size()).as("jitter spreads retries").isGreaterThan(100);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 404, 409, 422})
  void permanentClientErrorsAreNeverRetried(int status) {
    assertThat(POLICY.nextDelay(1, status, "1", BUDGET, HIGHEST)).isEmpty();
  }

  @Test
  void retriesLastAsLongAsTheLatenessBudgetNotAFixedNumberOfAttempts() {
    // 60 s of outage with a 5-minute budget: the schedule keeps going past 5 attempts
    Duration budget = Duration.ofMinutes(5);
    Duration waited = Duration.ZERO;
    int calls = 1;
    while (true) {
      var next = POLICY.nextDelay(calls, 503, null, budget.minus(waited), HIGHEST);
      if (next.isEmpty()) {
        break;
      }
      waited = waited.plus(next.get());
      calls++;
    }
    assertThat(calls).as("calls made before the budget ran out").isGreaterThan(5);
    assertThat(waited).isLessThanOrEqualTo(budget).isGreaterThan(budget.minusSeconds(30));
    assertThat(POLICY.nextDelay(1, 503, null, Duration.ZERO, LOWEST)).isEmpty();
    assertThat(POLICY.nextDelay(1, 503, null, Duration.ofMillis(99), LOWEST)).isEmpty();
    assertThat(POLICY.nextDelay(1, 503, null, Duration.ofMillis(100), LOWEST)).isPresent();
  }

  @Test
  void successIsNotRetried() {
    assertThat(POLICY.nextDelay(1, 202, null, BUDGET, HIGHEST)).isEmpty();
  }

  @Test
  void theDefaultsAreSane() {
    RetryPolicy d = RetryPolicy.defaults();
    assertThat(d.baseDelay()).isPositive();
    assertThat(d.maxDelay()).isGreaterThanOrEqualTo(d.baseDelay());
  }
}
