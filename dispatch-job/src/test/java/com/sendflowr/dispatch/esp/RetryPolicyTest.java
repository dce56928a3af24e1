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
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(30));

  /** Many attempts, so the cap is reached. */
  private static final RetryPolicy LONG =
      new RetryPolicy(100, Duration.ofMillis(200), Duration.ofSeconds(30));

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
    for (int s : new int[] {0, 408, 429, 500, 502, 503, 504}) {
      assertThat(RetryPolicy.classify(s)).as("%s", s).isEqualTo(RetryPolicy.Verdict.RETRYABLE);
    }
    for (int s : new int[] {301, 400, 401, 403, 404, 409, 413, 422}) {
      assertThat(RetryPolicy.classify(s)).as("%s", s).isEqualTo(RetryPolicy.Verdict.PERMANENT);
    }
  }

  @Test
  void a429HonoursRetryAfterInSeconds() {
    assertThat(POLICY.nextDelay(1, 429, "7", HIGHEST)).contains(Duration.ofSeconds(7));
    assertThat(POLICY.nextDelay(3, 429, " 2 ", LOWEST)).contains(Duration.ofSeconds(2));
    assertThat(POLICY.nextDelay(1, 429, "-5", HIGHEST)).contains(Duration.ZERO);
  }

  @Test
  void aRetryAfterBeyondTheMaximumDelayEndsTheCall() {
    assertThat(POLICY.nextDelay(1, 429, "30", HIGHEST)).contains(Duration.ofSeconds(30));
    assertThat(POLICY.nextDelay(1, 429, "31", HIGHEST)).isEmpty();
    assertThat(POLICY.nextDelay(1, 429, "3600", LOWEST)).isEmpty();
  }

  @Test
  void a429WithoutAUsableRetryAfterBacksOff() {
    assertThat(millis(POLICY.nextDelay(1, 429, null, HIGHEST))).isEqualTo(200);
    assertThat(millis(POLICY.nextDelay(1, 429, "Wed, 21 Oct 2026 07:28:00 GMT", HIGHEST)))
        .isEqualTo(200);
  }

  @Test
  void retryAfterOnlyCountsFor429() {
    assertThat(millis(POLICY.nextDelay(1, 503, "60", HIGHEST))).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 408, 500, 503})
  void serverErrorsBackOffExponentiallyUpToTheCap(int status) {
    long[] expectedCaps = {200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000};
    for (int attempt = 1; attempt <= expectedCaps.length; attempt++) {
      long cap = expectedCaps[attempt - 1];
      assertThat(millis(LONG.nextDelay(attempt, status, null, HIGHEST)))
          .as("attempt %d upper bound", attempt)
          .isEqualTo(cap);
      assertThat(millis(LONG.nextDelay(attempt, status, null, LOWEST)))
          .as("attempt %d lower bound", attempt)
          .isEqualTo(cap / 2);
    }
    assertThat(millis(LONG.nextDelay(99, status, null, HIGHEST))).isEqualTo(30_000);
  }

  @Test
  void jitterStaysWithinHalfTheCapAndTheCapAndActuallyVaries() {
    SplittableRandom random = new SplittableRandom(42);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 500; i++) {
      long d = millis(LONG.nextDelay(4, 503, null, random));
      assertThat(d).isBetween(800L, 1_600L);
      seen.add(d);
      assertThat(millis(LONG.nextDelay(40, 503, null, random))).isBetween(15_000L, 30_000L);
    }
    assertThat(seen.size()).as("jitter spreads retries").isGreaterThan(100);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 409, 422})
  void permanentClientErrorsAreNeverRetried(int status) {
    assertThat(POLICY.nextDelay(1, status, "1", HIGHEST)).isEmpty();
  }

  @Test
  void attemptsAreBounded() {
    assertThat(POLICY.nextDelay(4, 503, null, HIGHEST)).isPresent();
    assertThat(POLICY.nextDelay(5, 503, null, HIGHEST)).isEmpty();
    assertThat(POLICY.nextDelay(5, 429, "1", HIGHEST)).isEmpty();
    assertThat(POLICY.nextDelay(6, 0, null, HIGHEST)).isEmpty();

    int calls = 1;
    while (POLICY.nextDelay(calls, 503, null, HIGHEST).isPresent()) {
      calls++;
    }
    assertThat(calls).as("calls made in total, the first included").isEqualTo(5);
  }

  @Test
  void successIsNotRetried() {
    assertThat(POLICY.nextDelay(1, 202, null, HIGHEST)).isEmpty();
  }

  @Test
  void theDefaultsAreSane() {
    RetryPolicy d = RetryPolicy.defaults();
    assertThat(d.maxAttempts()).isGreaterThan(1);
    assertThat(d.baseDelay()).isPositive();
    assertThat(d.maxDelay()).isGreaterThanOrEqualTo(d.baseDelay());
  }
}
