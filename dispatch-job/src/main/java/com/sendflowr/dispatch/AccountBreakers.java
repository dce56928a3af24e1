package com.sendflowr.dispatch;

import com.sendflowr.config.IntentBinding;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ESP accounts' circuit breakers of one job on one TaskManager, shared by the operators that
 * call an account ({@link EspCaller}) and the one that holds its due dispatches back while the
 * breaker is open ({@link DispatchBatcher}). They run chained in the same task, so they share a
 * JVM; keying by job keeps jobs that share a TaskManager apart.
 *
 * <p>A breaker learns only from the calls of its TaskManager: on a cluster each TaskManager opens
 * its own when the ESP fails it.
 */
final class AccountBreakers {
  private static final Map<String, CircuitBreaker> BREAKERS = new ConcurrentHashMap<>();

  private AccountBreakers() {}

  /** The account's breaker in this job, created with {@code config} on first use. */
  static CircuitBreaker of(String jobId, String account, CircuitBreakerConfig config) {
    return BREAKERS.computeIfAbsent(
        jobId + "|" + account, key -> CircuitBreaker.of(account, config));
  }

  /**
   * Whether the account's breaker is open now: calls to it are held back. False before any call
   * went to the account, and once the breaker lets probe calls through (half open).
   */
  static boolean isOpen(String jobId, String account) {
    CircuitBreaker breaker = BREAKERS.get(jobId + "|" + account);
    return breaker != null && breaker.getState() == CircuitBreaker.State.OPEN;
  }

  /** The key of an account's breaker: ESP and account. */
  static String account(IntentBinding binding) {
    return binding.esp() + "/" + binding.account();
  }
}
