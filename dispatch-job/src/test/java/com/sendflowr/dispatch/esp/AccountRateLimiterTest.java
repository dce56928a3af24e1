package com.sendflowr.dispatch.esp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.RateLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AccountRateLimiterTest {
  @Test
  void slotsAreSpreadEvenlyAtTheLimitNotBurstAtTheTopOfEachSecond() {
    AccountRateLimiter limiter =
        new AccountRateLimiter("klaviyo/brand-a", new RateLimits(350, null));
    Duration[] waits = new Duration[1_000];
    // When each reserved call may go, absolute: the limiter reads the clock between these two.
    long[] earliest = new long[waits.length];
    long[] latest = new long[waits.length];
    for (int i = 0; i < waits.length; i++) {
      long before = System.nanoTime();
      waits[i] = limiter.reserve();
      long after = System.nanoTime();
      earliest[i] = before + waits[i].toNanos();
      latest[i] = after + waits[i].toNanos();
    }
    // the n-th slot is n/350 s away (give or take the time this loop takes)
    assertThat(waits[349].toMillis()).isBetween(900L, 1_100L);
    assertThat(waits[999].toMillis()).isBetween(2_750L, 2_950L);
    // No one-second window holds 352 slots (the limit and one more at its edges is the most):
    // slot i and slot i - 351 are at least a second apart, however the clock reads fell.
    for (int i = 351; i < waits.length; i++) {
      assertThat(latest[i] - earliest[i - 351])
          .as("slots %d..%d", i - 351, i)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    }
  }

  @Test
  void theGateKeepsAnySecondWithinTheLimitHoweverManyArriveAtOnce() throws Exception {
    AccountRateLimiter limiter =
        new AccountRateLimiter("klaviyo/brand-a", new RateLimits(50, null));
    // Two threads ask as fast as they can for 1.5 s, as a burst of late timers would.
    java.util.List<Long> sends =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    long end = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
    Thread[] threads = new Thread[2];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  if (limiter.gate().isZero()) {
                    sends.add(System.nanoTime());
                  }
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    java.util.List<Long> at = new java.util.ArrayList<>(sends);
    java.util.Collections.sort(at);
    // At most 50 in any second (two seconds' allowance begin within 1.5 s); fewer only when the
    // machine starves the threads.
    assertThat(at.size()).as("1.5 s at 50/s").isBetween(30, 100);
    for (int i = 51; i < at.size(); i++) {
      assertThat(at.get(i) - at.get(i - 51))
          .as(
              "51 sends span at least a second (less the few ms a thread may take to read the clock)")
          .isGreaterThanOrEqualTo(Duration.ofMillis(990).toNanos());
    }
  }

  @Test
  void aBurstGoesAtThePerSecondRateUntilTheMinutesAllowanceIsUsed() {
    // Klaviyo's bulk create jobs: 10/s burst, 150/min steady
    AccountRateLimiter limiter =
        new AccountRateLimiter("klaviyo/brand-a/bulk", new RateLimits(10, 150));
    Duration[] waits = new Duration[160];
    for (int i = 0; i < waits.length; i++) {
      waits[i] = limiter.reserve();
    }
    // the first 150 at the burst rate: slot n is n/10 s away
    assertThat(waits[1].toMillis()).isBetween(90L, 110L);
    assertThat(waits[149].toMillis()).isBetween(14_800L, 15_000L);
    // then one as each slot of the minute before expires
    assertThat(waits[150].toMillis()).isBetween(59_900L, 60_100L);
    assertThat(waits[159].toMillis()).isBetween(60_800L, 61_000L);
  }

  @Test
  void theGateKeepsAnyMinuteWithinThePerMinuteLimitHoweverLateTheCallsCome() throws Exception {
    AccountRateLimiter limiter = new AccountRateLimiter("braze/brand-a", new RateLimits(1_000, 5));
    int sends = 0;
    long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
    Duration lastWait = Duration.ZERO;
    while (System.nanoTime() < end) {
      Duration wait = limiter.gate();
      if (wait.isZero()) {
        sends++;
      } else {
        lastWait = wait;
      }
    }
    assertThat(sends).isEqualTo(5);
    assertThat(lastWait.toMillis())
        .as("until the first send is a minute old")
        .isGreaterThan(59_000L);
  }

  @Test
  void aLateSendDoesNotHoldBackTheOnesAfterIt() {
    // 10/s: a call that leaves 80 ms late does not push the next one to 80 ms + 100 ms
    AccountRateLimiter limiter =
        new AccountRateLimiter("iterable/brand-a", new RateLimits(10, null));
    assertThat(limiter.gate()).isZero();
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < Duration.ofMillis(60).toNanos()) {
      Thread.onSpinWait();
    }
    // 60 ms after the first: more than half a spacing, within the second's allowance
    assertThat(limiter.gate()).isZero();
    // but never more than 10 in a second
    int sends = 2;
    long end = System.nanoTime() + Duration.ofMillis(800).toNanos();
    while (System.nanoTime() < end) {
      if (limiter.gate().isZero()) {
        sends++;
      }
    }
    assertThat(sends).as("10/s less 1 %").isEqualTo(9);
  }

  @Test
  void aMinuteLimitThatCannotBindIsNotTracked() {
    // 350/s allows 21,000 a minute: a limit of 21,000 or more a minute changes nothing
    AccountRateLimiter limiter =
        new AccountRateLimiter("klaviyo/brand-a", new RateLimits(350, 1_000_000));
    Duration last = Duration.ZERO;
    for (int i = 0; i < 700; i++) {
      last = limiter.reserve();
    }
    assertThat(last.toMillis()).isBetween(1_900L, 2_100L);
  }

  @Test
  void configuredLimitsOverrideTheEspsPublishedOnesFieldByField() {
    RateLimits published = new KlaviyoAdapter().publishedLimits();
    assertThat(published).isEqualTo(new RateLimits(350, 3_500));
    assertThat(new RateLimits(50, null).orElse(published)).isEqualTo(new RateLimits(50, 3_500));
    assertThat(RateLimits.NONE.orElse(published)).isEqualTo(published);
    assertThat(RateLimits.NONE.orElse(RateLimits.NONE).isNone()).isTrue();
  }
}
