package com.sendflowr.dispatch;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.dispatch.esp.AccountRateLimiter;
import com.sendflowr.dispatch.esp.Batching;
import com.sendflowr.dispatch.esp.CallEndpoint;
import com.sendflowr.dispatch.esp.EspAdapter;
import com.sendflowr.dispatch.esp.EspRequest;
import com.sendflowr.dispatch.esp.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.Serializable;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Calls the ESP once for each batch of due dispatches ({@link DispatchBatch}, see {@link
 * DispatchBatcher}) without blocking the operator, and turns whatever happens into exactly one
 * {@link DispatchOutcome} per dispatch; the batch's outcomes are handed on together.
 *
 * <p>Every rule holds per dispatch, whether it travels alone or in a batch. A call is retried (per
 * {@link RetryPolicy}, with the same idempotency keys) for as long as its dispatches can still meet
 * their lateness budgets: each one's earlier of trigger + the binding's max lateness and the
 * decision's {@code not_after}. A dispatch whose budget ends before the next attempt leaves the
 * batch then (the call is rebuilt without it); the others go on. Each ESP account has a circuit
 * breaker: while it is open (an outage, refused credentials) calls wait instead of hammering the
 * ESP, and nothing is marked failed while it can still be sent in time. When a budget runs out the
 * outcome is {@code expired}, which the timing job answers with a fresh decision; if an attempt's
 * fate is unknown (a timeout with the request in flight) it is {@code possibly_sent} instead, since
 * a new decision could send twice where the ESP does not de-duplicate.
 *
 * <p>A batch call answers for all its dispatches at once. A permanent refusal (a 4xx other than
 * 401, 403, 408, 429) of a call for several is not pinned on all of them: each is then sent alone
 * (for Klaviyo through Create Event), so the valid ones are accepted and only the refused ones are
 * dead-lettered, each with the ESP's own error.
 *
 * <p>After a restore, Flink re-triggers batches that were in flight at the checkpoint; a dispatch
 * past its budget by then ends {@code expired} without a call, the others carry the idempotency
 * keys that make the ESP record them once.
 */
public final class EspCaller extends RichAsyncFunction<DispatchBatch, DispatchOutcome> {
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
          // Dispatches held back in the batcher's state look at the state, they do not call:
          // the breaker must move to half open by itself for them to go again.
          .automaticTransitionFromOpenToHalfOpenEnabled(true)
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
  private transient String jobId;
  private transient Map<String, AccountRateLimiter> rateLimiters;

  /**
   * Batches without all their outcomes yet. Whoever ends a dispatch first (a step, or the async
   * timeout) writes its one outcome; a step of a closed batch sends nothing more.
   */
  private transient Map<ResultFuture<DispatchOutcome>, BatchResult> open;

  private transient Counter accepted;
  private transient Counter expired;
  private transient Counter possiblySent;
  private transient Counter retries;
  private transient Counter breakerWaits;
  private transient Counter rateLimited;
  private transient Counter batchCalls;
  private transient Counter batchSplits;

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

  /** One dispatch of a batch: its budget and what happened to it so far. */
  private static final class Member {
    final DispatchCommand command;
    final Instant deadline;
    final AtomicBoolean ended = new AtomicBoolean();
    volatile int attempts;
    volatile boolean inFlight;
    volatile boolean fateUnknown;
    volatile boolean heldByBreaker;
    volatile String lastAnswer = "nothing yet";
    volatile Integer lastStatus;

    Member(DispatchCommand command) {
      this.command = command;
      this.deadline = deadline(command);
    }
  }

  /** The outcomes of one batch, handed to Flink together once every dispatch has its one. */
  private final class BatchResult {
    final ResultFuture<DispatchOutcome> future;
    final List<Member> members = new ArrayList<>();
    final List<DispatchOutcome> outcomes = new ArrayList<>();
    volatile boolean closed;

    BatchResult(ResultFuture<DispatchOutcome> future, List<DispatchCommand> commands) {
      this.future = future;
      commands.forEach(c -> members.add(new Member(c)));
    }

    void end(Member m, Integer status, String responseId, OutcomeState state, String detail) {
      if (!m.ended.compareAndSet(false, true)) {
        return;
      }
      DispatchCommand c = m.command;
      DispatchOutcome outcome =
          Outcomes.of(
              c.decision(),
              c.binding(),
              c.idempotencyKey(),
              m.attempts,
              status,
              responseId,
              c.firedAt(),
              state,
              detail);
      List<DispatchOutcome> all = null;
      synchronized (this) {
        outcomes.add(outcome);
        if (outcomes.size() == members.size()) {
          closed = true;
          all = List.copyOf(outcomes);
        }
      }
      if (all != null) {
        open.remove(future);
        future.complete(all);
      }
    }
  }

  /** One ESP call's progress for the dispatches it still carries; one step at a time. */
  private final class Call {
    final EspAdapter adapter;
    final String baseUrl;
    final String apiKey;
    final CircuitBreaker breaker;
    final BatchResult batch;
    volatile List<Member> members;
    volatile EspRequest request;
    volatile AccountRateLimiter rateLimiter; // null: no limit known for this account and endpoint
    volatile boolean slotReserved;
    volatile int attempts;

    Call(
        EspAdapter adapter,
        String baseUrl,
        String apiKey,
        CircuitBreaker breaker,
        BatchResult batch,
        List<Member> members) {
      this.adapter = adapter;
      this.baseUrl = baseUrl;
      this.apiKey = apiKey;
      this.breaker = breaker;
      this.batch = batch;
      this.members = List.copyOf(members);
    }

    /** The request for the members it carries now, and the limiter of its endpoint. */
    void build() {
      use(adapter.buildBatch(members.stream().map(m -> m.command).toList(), baseUrl, apiKey));
    }

    /** The request built for the members it carries now. */
    void use(EspRequest built) {
      request = built;
      AccountRateLimiter limiter = rateLimiter(adapter, members.get(0).command, members.size());
      if (limiter != rateLimiter) {
        rateLimiter = limiter;
        slotReserved = false;
      }
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
    jobId = getRuntimeContext().getJobInfo().getJobId().toString();
    rateLimiters = new ConcurrentHashMap<>();
    open = new ConcurrentHashMap<>();
    var metrics = getRuntimeContext().getMetricGroup();
    accepted = metrics.counter("espAccepted");
    expired = metrics.counter("espExpired");
    possiblySent = metrics.counter("espPossiblySent");
    retries = metrics.counter("espRetries");
    breakerWaits = metrics.counter("espBreakerWaits");
    rateLimited = metrics.counter("espRateLimitWaits");
    batchCalls = metrics.counter("espBatchCalls");
    batchSplits = metrics.counter("espBatchSplits");
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
  public void asyncInvoke(DispatchBatch dispatches, ResultFuture<DispatchOutcome> result) {
    BatchResult batch = new BatchResult(result, dispatches.commands());
    open.put(result, batch);
    IntentBinding binding = dispatches.commands().get(0).binding();
    EspAdapter adapter = adapterByName.get(binding.esp());
    if (adapter == null) {
      for (Member m : batch.members) {
        batch.end(
            m,
            null,
            null,
            OutcomeState.DEAD_LETTERED,
            "no adapter for ESP '" + binding.esp() + "'");
      }
      return;
    }
    String baseUrl = baseUrl(adapter, binding);
    String apiKey;
    try {
      apiKey = credentials.apiKey(binding.credentialRef());
    } catch (RuntimeException e) {
      for (Member m : batch.members) {
        batch.end(m, null, null, OutcomeState.DEAD_LETTERED, e.getMessage());
      }
      return;
    }
    // What cannot be expressed for the ESP ends here, one by one. Building the whole batch checks
    // every dispatch at once, so each is built alone only when that fails, or for a dry run, which
    // records each dispatch's own request.
    EspRequest together =
        binding.dryRun() ? null : buildOrNull(adapter, batch.members, baseUrl, apiKey);
    List<Member> valid = batch.members;
    if (together == null) {
      Map<Member, EspRequest> alone = new java.util.LinkedHashMap<>();
      for (Member m : batch.members) {
        try {
          alone.put(m, adapter.buildBatch(List.of(m.command), baseUrl, apiKey));
        } catch (RuntimeException e) {
          batch.end(m, null, null, OutcomeState.DEAD_LETTERED, e.getMessage());
        }
      }
      if (binding.dryRun()) {
        dryRun(batch, adapter, baseUrl, apiKey, alone);
        return;
      }
      valid = List.copyOf(alone.keySet());
    }
    List<Member> live = new ArrayList<>();
    Instant now = Instant.now();
    for (Member m : valid) {
      if (now.isAfter(m.deadline)) {
        expired.inc();
        batch.end(
            m,
            null,
            null,
            OutcomeState.EXPIRED,
            "not sent: its lateness budget ended at "
                + m.deadline
                + " before the call could start (a restore or backpressure); handed back for a"
                + " new decision");
      } else {
        live.add(m);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    CircuitBreaker breaker =
        AccountBreakers.of(jobId, AccountBreakers.account(binding), breakerSettings.config());
    Call call = new Call(adapter, baseUrl, apiKey, breaker, batch, live);
    if (together != null && live.size() == valid.size()) {
      call.use(together); // already built for exactly these dispatches
    }
    start(call);
  }

  private static EspRequest buildOrNull(
      EspAdapter adapter, List<Member> members, String baseUrl, String apiKey) {
    try {
      return adapter.buildBatch(members.stream().map(m -> m.command).toList(), baseUrl, apiKey);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A dry run records, for each dispatch, the request that would have carried it, credentials
   * redacted; for a batch, the call's endpoint and the dispatch's own request.
   */
  private static void dryRun(
      BatchResult batch,
      EspAdapter adapter,
      String baseUrl,
      String apiKey,
      Map<Member, EspRequest> alone) {
    EspRequest together = null;
    if (alone.size() > 1) {
      try {
        together =
            adapter.buildBatch(
                alone.keySet().stream().map(m -> m.command).toList(), baseUrl, apiKey);
      } catch (RuntimeException e) {
        together = null; // they would have been sent one by one
      }
    }
    for (Map.Entry<Member, EspRequest> e : alone.entrySet()) {
      String detail =
          together == null
              ? "dry run, ESP not called; would have sent " + e.getValue().redactedJson()
              : "dry run, ESP not called; would have sent it in one call for "
                  + alone.size()
                  + " dispatches, "
                  + together.method()
                  + " "
                  + together.url()
                  + "; on its own it would be "
                  + e.getValue().redactedJson();
      batch.end(e.getKey(), null, null, OutcomeState.DRY_RUN, detail);
    }
  }

  /** Builds the call's request and takes its first step; a batch that cannot be built splits. */
  private void start(Call call) {
    try {
      if (call.request == null) {
        call.build();
      }
    } catch (RuntimeException e) {
      if (call.members.size() > 1) {
        split(call);
      } else {
        call.batch.end(call.members.get(0), null, null, OutcomeState.DEAD_LETTERED, e.getMessage());
      }
      return;
    }
    step(call);
  }

  /** Each of the call's dispatches goes on as a call of its own, keeping its history. */
  private void split(Call call) {
    batchSplits.inc();
    for (Member m : call.members) {
      start(
          new Call(call.adapter, call.baseUrl, call.apiKey, call.breaker, call.batch, List.of(m)));
    }
  }

  private void step(Call call) {
    if (call.batch.closed) {
      return; // the async timeout already wrote the outcomes
    }
    if (!leaveBy(call, Instant.now())) {
      return;
    }
    if (call.rateLimiter != null) {
      if (!call.slotReserved) {
        call.slotReserved = true;
        Duration wait = call.rateLimiter.reserve();
        if (!wait.isZero()) {
          rateLimited.inc();
          retryOrGiveUp(call, wait);
          return;
        }
      }
      Duration late = call.rateLimiter.gate(); // timers that fired late must not go out together
      if (!late.isZero()) {
        retryOrGiveUp(call, late);
        return;
      }
    }
    call.slotReserved = false; // each attempt takes its own slot
    if (!call.breaker.tryAcquirePermission()) {
      breakerWaits.inc();
      call.members.forEach(m -> m.heldByBreaker = true);
      retryOrGiveUp(call, retryPolicy.backoff(Math.max(1, call.attempts), random()));
      return;
    }
    List<Member> sent = call.members;
    call.attempts++;
    for (Member m : sent) {
      m.attempts++;
      m.inFlight = true;
    }
    if (sent.size() > 1) {
      batchCalls.inc();
    }
    long started = System.nanoTime();
    send(call.request)
        .whenComplete(
            (response, error) -> {
              int status = error == null ? response.getStatusCode() : 0;
              long took = System.nanoTime() - started;
              RetryPolicy.Verdict verdict = RetryPolicy.classify(status);
              if (status == 0 || status >= 500 || status == 401 || status == 403) {
                call.breaker.onError(took, TimeUnit.NANOSECONDS, new EspUnavailable(status));
              } else {
                call.breaker.onSuccess(took, TimeUnit.NANOSECONDS); // the ESP answered
              }
              // A timeout or a dropped connection: the ESP may have received it.
              boolean unknown = error != null && !(rootCause(error) instanceof ConnectException);
              String body = error == null ? response.getResponseBody() : String.valueOf(error);
              String answer =
                  "ESP answered "
                      + (status == 0 ? "nothing" : status)
                      + (sent.size() > 1 ? " (a call for " + sent.size() + " dispatches)" : "")
                      + ": "
                      + body;
              for (Member m : sent) {
                m.inFlight = false;
                m.fateUnknown |= unknown;
                m.lastStatus = status == 0 ? null : status;
                m.lastAnswer = answer;
              }
              if (call.batch.closed) {
                return;
              }
              if (verdict == RetryPolicy.Verdict.SUCCESS) {
                String responseId = call.adapter.responseId(status, body, response::getHeader);
                for (Member m : sent) {
                  accepted.inc();
                  call.batch.end(m, status, responseId, OutcomeState.ACCEPTED, null);
                }
                return;
              }
              if (verdict == RetryPolicy.Verdict.PERMANENT) {
                if (sent.size() > 1) {
                  split(call);
                } else {
                  call.batch.end(
                      sent.get(0), status, null, OutcomeState.DEAD_LETTERED, truncate(answer));
                }
                return;
              }
              String retryAfter = error == null ? response.getHeader("Retry-After") : null;
              Instant now = Instant.now();
              Duration remaining = Duration.between(now, latestDeadline(call));
              var delay =
                  retryPolicy.nextDelay(call.attempts, status, retryAfter, remaining, random());
              if (delay.isPresent()) {
                retries.inc();
                if (leaveBy(call, now.plus(delay.get()))) {
                  schedule(call, delay.get());
                }
              } else {
                call.members.forEach(m -> giveUp(call.batch, m));
              }
            });
  }

  private static Instant latestDeadline(Call call) {
    Instant latest = Instant.MIN;
    for (Member m : call.members) {
      if (m.deadline.isAfter(latest)) {
        latest = m.deadline;
      }
    }
    return latest;
  }

  /**
   * The dispatches whose budget ends before {@code at} give up now; the call carries on with the
   * others, rebuilt for them.
   *
   * @return whether any are left
   */
  private boolean leaveBy(Call call, Instant at) {
    List<Member> staying = new ArrayList<>();
    for (Member m : call.members) {
      if (at.isAfter(m.deadline)) {
        giveUp(call.batch, m);
      } else if (!m.ended.get()) {
        staying.add(m);
      }
    }
    if (staying.size() == call.members.size()) {
      return !staying.isEmpty();
    }
    call.members = List.copyOf(staying);
    if (staying.isEmpty()) {
      return false;
    }
    try {
      call.build();
    } catch (RuntimeException e) {
      split(call);
      return false;
    }
    return true;
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
   * The pacer of the account's endpoint for a call of this many dispatches: the account's
   * configured limits, else the ESP's published ones (see {@link CallEndpoint#limitsFor}). Rebuilt
   * when a binding brings other limits for the account.
   */
  private AccountRateLimiter rateLimiter(
      EspAdapter adapter, DispatchCommand command, int dispatches) {
    CallEndpoint endpoint = adapter.endpoint(dispatches);
    RateLimits configured = endpoint.limitsFor(command.binding().accountSettings());
    if (configured.isNone()) {
      return null;
    }
    // Unless the account's calls all leave from this subtask, every subtask calls it and none sees
    // the others' calls: each keeps to its share.
    RateLimits limits =
        Batching.accountOnOneSubtask(adapter, command)
            ? configured
            : configured.share(getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
    return rateLimiters.compute(
        command.binding().esp() + "/" + command.binding().account() + "/" + endpoint.name(),
        (account, held) ->
            held != null && held.limits().equals(limits)
                ? held
                : new AccountRateLimiter(account, limits));
  }

  /** Waits and steps again; the dispatches whose budget ends before then give up now. */
  private void retryOrGiveUp(Call call, Duration wait) {
    if (leaveBy(call, Instant.now().plus(wait))) {
      schedule(call, wait);
    }
  }

  private void schedule(Call call, Duration wait) {
    retryTimer.schedule(() -> step(call), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The budget ran out without an acceptance. */
  private void giveUp(BatchResult batch, Member m) {
    if (m.ended.get()) {
      return;
    }
    String why =
        "not accepted within its lateness budget (until "
            + m.deadline
            + ", "
            + m.attempts
            + " attempts); last: "
            + m.lastAnswer
            + (m.heldByBreaker ? "; the account's circuit breaker held it back" : "");
    if (m.fateUnknown) {
      possiblySent.inc();
      batch.end(m, m.lastStatus, null, OutcomeState.POSSIBLY_SENT, truncate(why));
    } else {
      expired.inc();
      batch.end(
          m,
          m.lastStatus,
          null,
          OutcomeState.EXPIRED,
          truncate(why + "; handed back for a new decision"));
    }
  }

  private CompletableFuture<Response> send(EspRequest request) {
    BoundRequestBuilder builder = http.prepare(request.method(), request.url());
    request.headers().forEach(builder::setHeader);
    // As bytes: a String body is encoded through a CharBuffer, several times slower for a bulk job.
    builder.setBody(request.body().getBytes(StandardCharsets.UTF_8));
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

  private static String truncate(String s) {
    return s.length() <= MAX_DETAIL_CHARS ? s : s.substring(0, MAX_DETAIL_CHARS) + "...";
  }

  /**
   * A safety net: the async timeout is sized beyond the longest lateness budget. A dispatch still
   * open then was either in flight (its fate unknown) or waiting to retry (never accepted).
   */
  @Override
  public void timeout(DispatchBatch dispatches, ResultFuture<DispatchOutcome> result) {
    BatchResult batch = open.remove(result);
    if (batch == null) {
      return; // every dispatch of the batch has its outcome
    }
    batch.closed = true; // no further attempt is sent
    String detail = "no final ESP answer within the async timeout at " + Instant.now();
    for (Member m : batch.members) {
      boolean maybeSent = m.inFlight || m.fateUnknown;
      if (m.ended.get()) {
        continue;
      }
      (maybeSent ? possiblySent : expired).inc();
      batch.end(
          m,
          m.lastStatus,
          null,
          maybeSent ? OutcomeState.POSSIBLY_SENT : OutcomeState.EXPIRED,
          detail);
    }
  }
}
