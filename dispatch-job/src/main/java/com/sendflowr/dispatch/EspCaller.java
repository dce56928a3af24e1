package com.sendflowr.dispatch;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.dispatch.esp.EspAdapter;
import com.sendflowr.dispatch.esp.EspRequest;
import com.sendflowr.dispatch.esp.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Calls the ESP for each due dispatch without blocking the operator, retrying per {@link
 * RetryPolicy}, and turns whatever happens into exactly one {@link DispatchOutcome}.
 *
 * <p>After a restore, Flink re-triggers requests that were in flight at the checkpoint; the
 * idempotency key they carry makes the ESP record them once.
 */
public final class EspCaller extends RichAsyncFunction<DispatchCommand, DispatchOutcome> {
  private static final long serialVersionUID = 1L;
  private static final int MAX_DETAIL_CHARS = 2_000;

  private final List<EspAdapter> adapters;
  private final Map<String, String> baseUrls;
  private final CredentialStore credentials;
  private final RetryPolicy retryPolicy;
  private final Duration requestTimeout;

  private transient Map<String, EspAdapter> adapterByName;
  private transient AsyncHttpClient http;
  private transient ScheduledExecutorService retryTimer;

  /**
   * Calls whose outcome the async timeout wrote while a response or a retry was still pending; each
   * entry is removed when that pending step runs, which then sends nothing more.
   */
  private transient Set<ResultFuture<DispatchOutcome>> timedOut;

  private transient Counter accepted;
  private transient Counter failed;
  private transient Counter retries;

  /**
   * @param baseUrls per ESP name, overrides the adapter's production URL (sandbox, region)
   */
  public EspCaller(
      List<EspAdapter> adapters,
      Map<String, String> baseUrls,
      CredentialStore credentials,
      RetryPolicy retryPolicy,
      Duration requestTimeout) {
    this.adapters = List.copyOf(adapters);
    this.baseUrls = Map.copyOf(baseUrls);
    this.credentials = credentials;
    this.retryPolicy = retryPolicy;
    this.requestTimeout = requestTimeout;
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
    timedOut = ConcurrentHashMap.newKeySet();
    var metrics = getRuntimeContext().getMetricGroup();
    accepted = metrics.counter("espAccepted");
    failed = metrics.counter("espFailed");
    retries = metrics.counter("espRetries");
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
              baseUrls.getOrDefault(adapter.name(), adapter.defaultBaseUrl()),
              credentials.apiKey(command.binding().credentialRef()));
    } catch (RuntimeException e) {
      complete(result, command, 0, null, null, OutcomeState.DEAD_LETTERED, e.getMessage());
      return;
    }
    attempt(adapter, request, command, 1, result);
  }

  private void attempt(
      EspAdapter adapter,
      EspRequest request,
      DispatchCommand command,
      int attempt,
      ResultFuture<DispatchOutcome> result) {
    send(request)
        .whenComplete(
            (response, error) -> {
              if (timedOut.remove(result)) {
                return; // the async timeout already wrote this call's outcome
              }
              int status = error == null ? response.getStatusCode() : 0;
              String body = error == null ? response.getResponseBody() : String.valueOf(error);
              RetryPolicy.Verdict verdict = RetryPolicy.classify(status);
              if (verdict == RetryPolicy.Verdict.SUCCESS) {
                accepted.inc();
                complete(
                    result,
                    command,
                    attempt,
                    status,
                    adapter.responseId(status, body, response::getHeader),
                    OutcomeState.ACCEPTED,
                    null);
                return;
              }
              String retryAfter = error == null ? response.getHeader("Retry-After") : null;
              var delay =
                  retryPolicy.nextDelay(attempt, status, retryAfter, ThreadLocalRandom.current());
              if (delay.isPresent()) {
                retries.inc();
                retryTimer.schedule(
                    () -> {
                      // The async timeout already wrote this call's outcome: no further sends.
                      if (!timedOut.remove(result)) {
                        attempt(adapter, request, command, attempt + 1, result);
                      }
                    },
                    delay.get().toMillis(),
                    TimeUnit.MILLISECONDS);
                return;
              }
              failed.inc();
              OutcomeState state =
                  verdict == RetryPolicy.Verdict.PERMANENT
                      ? OutcomeState.DEAD_LETTERED
                      : OutcomeState.FAILED;
              complete(
                  result,
                  command,
                  attempt,
                  status == 0 ? null : status,
                  null,
                  state,
                  truncate("ESP answered " + (status == 0 ? "nothing" : status) + ": " + body));
            });
  }

  private CompletableFuture<Response> send(EspRequest request) {
    BoundRequestBuilder builder = http.prepare(request.method(), request.url());
    request.headers().forEach(builder::setHeader);
    builder.setBody(request.body());
    return builder.execute().toCompletableFuture();
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

  @Override
  public void timeout(DispatchCommand command, ResultFuture<DispatchOutcome> result) {
    failed.inc();
    timedOut.add(result);
    complete(
        result,
        command,
        0,
        null,
        null,
        OutcomeState.FAILED,
        "no final ESP answer within the async timeout at " + Instant.now());
  }
}
