package com.sendflowr.dispatch;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.dispatch.esp.AccountRateLimiter;
import com.sendflowr.dispatch.esp.EspAdapter;
import com.sendflowr.dispatch.esp.EspRequest;
import com.sendflowr.dispatch.esp.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.Serializable;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.BoundRequestBuilder;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.Response;

/**
 * Calls the ESP for each due dispatch without blocking the operator and turns whatever happens into
 * exactly one {@link DispatchOutcome}.
 *
 * <p>A call is retried (per {@link RetryPolicy}, with the same idempotency key) for as long as its
 * decision can still meet its lateness budget: the earlier of trigger + the binding's max lateness
 * and the decision's {@code not_after}. Each ESP account has a circuit breaker: while it is open
 * (an outage, refused credentials) calls wait instead of hammering the ESP, and nothing is marked
 * failed while it can still be sent in time. When the budget runs out the outcome is {@code
 * expired}, which the timing job answers with a fresh decision; if an attempt's fate is unknown (a
 * timeout with the request in flight) it is {@code possibly_sent} instead, since a new decision
 * could send twice where the ESP does not de-duplicate.
 *
 * <p>After a restore, Flink re-triggers requests that were in flight at the checkpoint; one past
 * its budget by then ends {@code expired} without a call, the others carry the idempotency key that
 * makes the ESP record them once.
 */
public final class EspCaller extends RichAsyncFunction<DispatchCommand, DispatchOutcome> {
  private static final long serialVersionUID = 1L;
  private static final int MAX_DETAIL_CHARS = 2_000;

  /**
   * The per-account breaker: opens when half of the last {@code window} calls failed (at least
   * {@code minimumCalls} of them) and lets a few calls through again after {@code openFor}.
   */
  public record BreakerSettings(int window, int minimumCalls, Duration openFor)
      implements Serializable {
    public static BreakerSettings defaults() {
      return new BreakerSettings(20, 5, Duration.ofSeconds(10));
    }

    CircuitBreakerConfig config() {
      return CircuitBreakerConfig.custom()
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(window)
          .minimumNumberOfCalls(minimumCalls)
          .failureRateThreshold(50)
          .waitDurationInOpenState(openFor)
          .permittedNumberOfCallsInHalfOpenState(2)
          .build();
    }
  }

  private final List<EspAdapter> adapters;
  private final Map<String, String> baseUrls;
  private final CredentialStore credentials;
  private final RetryPolicy retryPolicy;
  private final Duration requestTimeout;
  private final BreakerSettings breakerSettings;

  private transient Map<String, EspAdapter> adapterByName;
  private transient AsyncHttpClient http;
  private transient ScheduledExecutorService retryTimer;
  private transient Map<String, CircuitBreaker> breakers;
  private transient Map<String, AccountRateLimiter> rateLimiters;

  /**
   * Calls without an outcome yet. Whoever removes a call's entry (its last step, or the async
   * timeout) writes its one outcome; a step that finds its call gone sends nothing more.
   */
  private transient Map<ResultFuture<DispatchOutcome>, Call> open;

  private transient Counter accepted;
  private transient Counter expired;
  private transient Counter possiblySent;
  private transient Counter retries;
  private transient Counter breakerWaits;
  private transient Counter rateLimited;

  /**
   * @param baseUrls per ESP name, overrides the adapter's production URL (sandbox, region)
   */
  public EspCaller(
      List<EspAdapter> adapters,
      Map<String, String> baseUrls,
      CredentialStore credentials,
      RetryPolicy retryPolicy,
      Duration requestTimeout,
      BreakerSettings breakerSettings) {
    this.adapters = List.copyOf(adapters);
    this.baseUrls = Map.copyOf(baseUrls);
    this.credentials = credentials;
    this.retryPolicy = retryPolicy;
    this.requestTimeout = requestTimeout;
    this.breakerSettings = breakerSettings;
  }

  /** One dispatch's progress; its fields are touched by one step at a time. */
  private static final class Call {
    final EspAdapter adapter;
    final EspRequest request;
    final DispatchCommand command;
    final Instant deadline;
    final CircuitBreaker breaker;
    final AccountRateLimiter rateLimiter; // null: no limit known for this account
    volatile boolean slotReserved;
    volatile int attempts;
    volatile boolean inFlight;
    volatile boolean fateUnknown;
    volatile boolean heldByBreaker;
    volatile String lastAnswer = "nothing yet";
    volatile Integer lastStatus;

    Call(
        EspAdapter adapter,
        EspRequest request,
        DispatchCommand command,
        Instant deadline,
        CircuitBreaker breaker,
        AccountRateLimiter rateLimiter) {
      this.adapter = adapter;
      this.request = request;
      this.command = command;
      this.deadline = deadline;
      this.breaker = breaker;
      this.rateLimiter = rateLimiter;
    }
  }

  @Override
  public void open(OpenContext openContext) {
    adapterByName =
        adapters.stream().collect(Collectors.toMap(EspAdapter::name, Function.identity()));
    http =
        Dsl.asyncHttpClient(
            Dsl.config()
                .setRequestTimeout(requestTimeout)
                .setConnectTimeout(Duration.ofSeconds(5))
                .setMaxRequestRetry(0) // retries are ours, with backoff and idempotency
                .setFollowRedirect(false));
    retryTimer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "esp-retry-timer");
              t.setDaemon(true);
              return t;
            });
    breakers = new ConcurrentHashMap<>();
    rateLimiters = new ConcurrentHashMap<>();
    open = new ConcurrentHashMap<>();
    var metrics = getRuntimeContext().getMetricGroup();
    accepted = metrics.counter("espAccepted");
    expired = metrics.counter("espExpired");
    possiblySent = metrics.counter("espPossiblySent");
    retries = metrics.counter("espRetries");
    breakerWaits = metrics.counter("espBreakerWaits");
    rateLimited = metrics.counter("espRateLimitWaits");
  }

  @Override
  public void close() throws Exception {
    if (retryTimer != null) {
      retryTimer.shutdownNow();
    }
    if (http != null) {
      http.close();
    }
  }

  /** The latest moment a call for this command may start: lateness budget and window end. */
  static Instant deadline(DispatchCommand command) {
    Instant byLateness =
        command
            .decision()
            .triggerTimestampUtc()
            .plusSeconds(command.binding().maxLatenessSeconds());
    Instant notAfter = command.decision().notAfter();
    return notAfter != null && notAfter.isBefore(byLateness) ? notAfter : byLateness;
  }

  @Override
  public void asyncInvoke(DispatchCommand command, ResultFuture<DispatchOutcome> result) {
    EspAdapter adapter = adapterByName.get(command.binding().esp());
    if (adapter == null) {
      complete(
          result,
          command,
          0,
          null,
          null,
          OutcomeState.DEAD_LETTERED,
          "no adapter for ESP '" + command.binding().esp() + "'");
      return;
    }
    EspRequest request;
    try {
      request =
          adapter.build(
              command,
              baseUrl(adapter, command.binding()),
              credentials.apiKey(command.binding().credentialRef()));
    } catch (RuntimeException e) {
      complete(result, command, 0, null, null, OutcomeState.DEAD_LETTERED, e.getMessage());
      return;
    }
    if (command.binding().dryRun()) {
      complete(
          result,
          command,
          0,
          null,
          null,
          OutcomeState.DRY_RUN,
          "dry run, ESP not called; would have sent " + request.redactedJson());
      return;
    }
    Instant deadline = deadline(command);
    if (Instant.now().isAfter(deadline)) {
      expired.inc();
      complete(
          result,
          command,
          0,
          null,
          null,
          OutcomeState.EXPIRED,
          "not sent: its lateness budget ended at "
              + deadline
              + " before the call could start (a restore or backpressure); handed back for a"
              + " new decision");
      return;
    }
    CircuitBreaker breaker =
        breakers.computeIfAbsent(
            command.binding().esp() + "/" + command.binding().account(),
            account -> CircuitBreaker.of(account, breakerSettings.config()));
    Call call =
        new Call(adapter, request, command, deadline, breaker, rateLimiter(adapter, command));
    open.put(result, call);
    step(call, result);
  }

  private void step(Call call, ResultFuture<DispatchOutcome> result) {
    if (!open.containsKey(result)) {
      return; // the async timeout already wrote this call's outcome
    }
    if (call.rateLimiter != null) {
      if (!call.slotReserved) {
        call.slotReserved = true;
        Duration wait = call.rateLimiter.reserve();
        if (!wait.isZero()) {
          rateLimited.inc();
          retryOrGiveUp(call, result, wait);
          return;
        }
      }
      Duration late = call.rateLimiter.gate(); // timers that fired late must not go out together
      if (!late.isZero()) {
        retryOrGiveUp(call, result, late);
        return;
      }
    }
    call.slotReserved = false; // each attempt takes its own slot
    if (!call.breaker.tryAcquirePermission()) {
      breakerWaits.inc();
      call.heldByBreaker = true;
      retryOrGiveUp(call, result, retryPolicy.backoff(Math.max(1, call.attempts), random()));
      return;
    }
    call.attempts++;
    call.inFlight = true;
    long started = System.nanoTime();
    send(call.request)
        .whenComplete(
            (response, error) -> {
              call.inFlight = false;
              int status = error == null ? response.getStatusCode() : 0;
              long took = System.nanoTime() - started;
              RetryPolicy.Verdict verdict = RetryPolicy.classify(status);
              if (status == 0 || status >= 500 || status == 401 || status == 403) {
                call.breaker.onError(took, TimeUnit.NANOSECONDS, new EspUnavailable(status));
              } else {
                call.breaker.onSuccess(took, TimeUnit.NANOSECONDS); // the ESP answered
              }
              if (error != null && !(rootCause(error) instanceof ConnectException)) {
                // A timeout or a dropped connection: the ESP may have received it.
                call.fateUnknown = true;
              }
              if (!open.containsKey(result)) {
                return;
              }
              String body = error == null ? response.getResponseBody() : String.valueOf(error);
              call.lastStatus = status == 0 ? null : status;
              call.lastAnswer = "ESP answered " + (status == 0 ? "nothing" : status) + ": " + body;
              if (verdict == RetryPolicy.Verdict.SUCCESS) {
                accepted.inc();
                finish(
                    call,
                    result,
                    status,
                    call.adapter.responseId(status, body, response::getHeader),
                    OutcomeState.ACCEPTED,
                    null);
                return;
              }
              if (verdict == RetryPolicy.Verdict.PERMANENT) {
                finish(
                    call,
                    result,
                    status,
                    null,
                    OutcomeState.DEAD_LETTERED,
                    truncate(call.lastAnswer));
                return;
              }
              String retryAfter = error == null ? response.getHeader("Retry-After") : null;
              Duration remaining = Duration.between(Instant.now(), call.deadline);
              var delay =
                  retryPolicy.nextDelay(call.attempts, status, retryAfter, remaining, random());
              if (delay.isPresent()) {
                retries.inc();
                schedule(call, result, delay.get());
              } else {
                giveUp(call, result);
              }
            });
  }

  /**
   * Where the call goes: the deployment's override for the ESP (a sandbox, a proxy), else the
   * account's own API root (a brand's Braze instance, a region), else the ESP's production root.
   */
  private String baseUrl(EspAdapter adapter, IntentBinding binding) {
    String deployment = baseUrls.get(adapter.name());
    if (deployment != null) {
      return deployment;
    }
    String account = binding.accountSettings().apiBaseUrl();
    return account != null ? account : adapter.defaultBaseUrl();
  }

  /**
   * The account's pacer: its configured limits, else the ESP's published ones. Rebuilt when a
   * binding brings other limits for the account.
   */
  private AccountRateLimiter rateLimiter(EspAdapter adapter, DispatchCommand command) {
    RateLimits limits =
        command.binding().accountSettings().rateLimits().orElse(adapter.publishedLimits());
    if (limits.isNone()) {
      return null;
    }
    return rateLimiters.compute(
        command.binding().esp() + "/" + command.binding().account(),
        (account, held) ->
            held != null && held.limits().equals(limits)
                ? held
                : new AccountRateLimiter(account, limits));
  }

  private void retryOrGiveUp(Call call, ResultFuture<DispatchOutcome> result, Duration wait) {
    if (Instant.now().plus(wait).isAfter(call.deadline)) {
      giveUp(call, result);
    } else {
      schedule(call, result, wait);
    }
  }

  private void schedule(Call call, ResultFuture<DispatchOutcome> result, Duration wait) {
    retryTimer.schedule(() -> step(call, result), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The budget ran out without an acceptance. */
  private void giveUp(Call call, ResultFuture<DispatchOutcome> result) {
    String why =
        "not accepted within its lateness budget (until "
            + call.deadline
            + ", "
            + call.attempts
            + " attempts); last: "
            + call.lastAnswer
            + (call.heldByBreaker ? "; the account's circuit breaker held it back" : "");
    if (call.fateUnknown) {
      possiblySent.inc();
      finish(call, result, call.lastStatus, null, OutcomeState.POSSIBLY_SENT, truncate(why));
    } else {
      expired.inc();
      finish(
          call,
          result,
          call.lastStatus,
          null,
          OutcomeState.EXPIRED,
          truncate(why + "; handed back for a new decision"));
    }
  }

  private void finish(
      Call call,
      ResultFuture<DispatchOutcome> result,
      Integer status,
      String responseId,
      OutcomeState state,
      String detail) {
    if (open.remove(result) != null) {
      complete(result, call.command, call.attempts, status, responseId, state, detail);
    }
  }

  private CompletableFuture<Response> send(EspRequest request) {
    BoundRequestBuilder builder = http.prepare(request.method(), request.url());
    request.headers().forEach(builder::setHeader);
    builder.setBody(request.body());
    return builder.execute().toCompletableFuture();
  }

  private static ThreadLocalRandom random() {
    return ThreadLocalRandom.current();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  /** What the breaker counts as a failure; never thrown. */
  private static final class EspUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    EspUnavailable(int status) {
      super("ESP status " + status, null, false, false);
    }
  }

  private static void complete(
      ResultFuture<DispatchOutcome> result,
      DispatchCommand command,
      int attempts,
      Integer status,
      String responseId,
      OutcomeState state,
      String detail) {
    result.complete(
        List.of(
            Outcomes.of(
                command.decision(),
                command.binding(),
                command.idempotencyKey(),
                attempts,
                status,
                responseId,
                command.firedAt(),
                state,
                detail)));
  }

  private static String truncate(String s) {
    return s.length() <= MAX_DETAIL_CHARS ? s : s.substring(0, MAX_DETAIL_CHARS) + "...";
  }

  /**
   * A safety net: the async timeout is sized beyond the longest lateness budget. A call still open
   * then was either in flight (its fate unknown) or waiting to retry (never accepted).
   */
  @Override
  public void timeout(DispatchCommand command, ResultFuture<DispatchOutcome> result) {
    Call call = open.remove(result);
    boolean maybeSent = call == null || call.inFlight || call.fateUnknown;
    (maybeSent ? possiblySent : expired).inc();
    complete(
        result,
        command,
        call == null ? 0 : call.attempts,
        call == null ? null : call.lastStatus,
        null,
        maybeSent ? OutcomeState.POSSIBLY_SENT : OutcomeState.EXPIRED,
        "no final ESP answer within the async timeout at " + Instant.now());
  }
}
