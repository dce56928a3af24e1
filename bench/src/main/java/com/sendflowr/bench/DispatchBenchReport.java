package com.sendflowr.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sendflowr.contract.Contracts;
import java.util.Map;

/**
 * What {@code bench dispatch} measured; serialised with the contract's snake_case mapper. Events
 * are what the sandboxes accepted (one per decision, whether it came alone or in a bulk call);
 * calls are HTTP requests. Every phase runs against the Klaviyo sandbox except the rate-limit
 * phase, which runs against the sandbox of {@code rateLimitEsp} (Iterable unless told otherwise);
 * the figures over all phases add up both sandboxes.
 *
 * @param benchmark {@code dispatch}
 * @param stateBackend {@code rocksdb}, with incremental checkpoints
 * @param cores the machine's cores, as the JVM sees them
 * @param parallelism the job's parallelism
 * @param checkpointIntervalMs the job's checkpoint interval; outcomes are committed on checkpoints
 * @param pendingTimers decisions with triggers days ahead that the job had read (its committed
 *     offsets covered them) before the precision phase: each holds a timer in RocksDB throughout
 * @param dueInOneMinute decisions of the precision phase, their triggers spread evenly over {@code
 *     dueSpreadSeconds}, starting shortly after they were produced
 * @param dueSpreadSeconds the span of the precision phase's triggers (60 unless told otherwise)
 * @param precisionRateLimitPerSecond the precision account's configured per-second limit; null:
 *     none configured, the dispatcher uses the ESP's published limits (Klaviyo: 350/s, 3,500/min)
 * @param precisionRateLimitPerMinute the precision account's configured per-minute limit; null as
 *     above
 * @param precisionEvents precision-phase events the sandbox accepted
 * @param latenessP50Ms median over the precision events of (arrival at the sandbox − the trigger
 *     the event carries in {@code sendflowr_trigger_timestamp_utc}); null without events
 * @param latenessP99Ms 99th percentile (nearest rank) of the same
 * @param latenessMaxMs the largest
 * @param latenessMinMs the smallest: negative would mean a call before its trigger
 * @param warmupDecisions decisions of each unmeasured round just before the throughput phase, like
 *     it but through an account of its own, so the phase measures compiled code (0: none)
 * @param warmupRounds how many such rounds ran
 * @param throughputDecisions decisions of the throughput phase, all due at the same instant, for an
 *     account whose limits are far above what the machine can do
 * @param throughputEvents throughput-phase events the sandbox accepted
 * @param throughputCalls HTTP calls the throughput phase made (events / calls is the batch size)
 * @param throughputTriggerLeadSeconds how far ahead of production the throughput triggers were set,
 *     so the job has read them before they fall due
 * @param dispatchesPerSecond throughput-phase events accepted after the first accepted call, over
 *     the time from the first to the last accepted call
 * @param dispatchesPerCpuSecond the same events over the CPU time the whole process used in that
 *     span (sampled, so a little more than the span): the figure that does not depend on what else
 *     the machine was running; null when the span was too short to sample
 * @param throughputJitCompileSeconds time the JIT compilers spent compiling over the same span
 *     (sampled like the CPU): what of the span's CPU went to compiling rather than dispatching;
 *     null when the span was too short to sample
 * @param rateLimitPerSecond the rate-limit account's configured per-second limit, which its sandbox
 *     enforces too (fixed one-second and one-minute windows, as Klaviyo documents its own)
 * @param rateLimitPerMinute the same account's per-minute limit, configured and enforced
 * @param rateLimitDecisions decisions of the rate-limit phase, all due at the same instant
 * @param rateLimitEsp the rate-limit account's ESP: {@code iterable} (the default) or {@code
 *     klaviyo}. Iterable has no batch endpoint, so each decision is one call paced by the account's
 *     configured limit, which is what the phase is meant to measure. A batching dispatcher sends
 *     Klaviyo decisions due together as bulk create jobs of up to 1,000 events, paced to the bulk
 *     endpoint's own limits (10/s, 150/min; the account's limits can only tighten them): against
 *     Klaviyo the phase makes far fewer calls than decisions and shows how far below the configured
 *     per-event limit they stay, not how close the pacer comes to it
 * @param rateLimitEvents events of the rate-limit phase its sandbox accepted
 * @param rateLimitCalls calls of the rate-limit phase its sandbox accepted (2xx); against Iterable
 *     one per event
 * @param rateLimitCallsPerSecond those calls after the first over the time from the first to the
 *     last
 * @param rateLimitUtilisation {@code rateLimitCallsPerSecond / rateLimitPerSecond}: how close the
 *     pacer gets to the configured limit (target: at least 0.95 with {@code rateLimitHttp429} 0).
 *     At parallelism N the calls of an account without a batch endpoint leave from every subtask,
 *     each paced to a share of the limit ({@code RateLimits.share}: the limit divided by N, rounded
 *     down), so N times that share is the most it can reach; a subtask given more of the decisions
 *     than the others finishes last and lowers the figure a little
 * @param rateLimitHttp429 ({@code rate_limit_http_429}) calls of the rate-limit phase its sandbox
 *     answered 429 for exceeding the enforced limit
 * @param http429 ({@code http_429}) calls the sandboxes answered 429 for exceeding an enforced
 *     limit, all phases
 * @param outageSeconds the outage soak's length: the ESP answered 503 to every call for this long,
 *     from 2 s before its decisions fell due (absent without the soak, as are the next)
 * @param latenessBudgetSeconds the outage account's {@code max_lateness_seconds}
 * @param outageDecisions decisions of the outage soak
 * @param outageDeliveredOnce of those, requests the sandbox accepted exactly one event for
 * @param outageExpired of those, requests whose outcome is {@code expired} (handed back)
 * @param outagePossiblySent of those, requests whose outcome is {@code possibly_sent}
 * @param outageCallsDuringOutage calls of the soak's account during the outage: what the retries
 *     and the circuit breaker let through
 * @param outageRecoverySeconds from the end of the outage to the soak's last accepted event
 * @param calls HTTP calls the sandboxes received, all phases
 * @param events events the sandboxes accepted, all phases
 * @param duplicates events a sandbox saw more than once per idempotency key (Klaviyo's {@code
 *     unique_id}, Iterable's {@code sendflowr_idempotency_key} data field; each repeat counts), all
 *     phases
 * @param missing due decisions of any phase with neither an event accepted by its sandbox nor a
 *     committed outcome at the end
 * @param withoutOutcome due decisions without a committed outcome at the end (an accepted event
 *     whose outcome was lost counts here)
 * @param outcomes committed outcomes by state, all phases
 * @param deadLetters records on the dead-letter topic
 * @param checkpointsCompleted checkpoints completed during the run
 * @param checkpointsFailed checkpoints that failed (e.g. timed out) during the run
 * @param checkpointDurationMaxMs the longest end-to-end checkpoint duration: a burst of due timers
 *     holds the barrier while the timers fire into a full async queue
 * @param elapsedSeconds from the job running to the last phase's outcomes committed
 * @param processCpuSeconds CPU time the whole process (job, broker, sandbox, load generator) used
 *     over {@code elapsedSeconds}
 * @param loadAverageStart the machine's 1-minute load average before the run
 * @param loadAverageEnd the same after it
 */
public record DispatchBenchReport(
    String benchmark,
    String stateBackend,
    int cores,
    int parallelism,
    long checkpointIntervalMs,
    long pendingTimers,
    int dueInOneMinute,
    double dueSpreadSeconds,
    Integer precisionRateLimitPerSecond,
    Integer precisionRateLimitPerMinute,
    long precisionEvents,
    Double latenessP50Ms,
    Double latenessP99Ms,
    Double latenessMaxMs,
    Double latenessMinMs,
    int warmupDecisions,
    int warmupRounds,
    int throughputDecisions,
    long throughputEvents,
    long throughputCalls,
    double throughputTriggerLeadSeconds,
    double dispatchesPerSecond,
    Double dispatchesPerCpuSecond,
    Double throughputJitCompileSeconds,
    int rateLimitPerSecond,
    int rateLimitPerMinute,
    int rateLimitDecisions,
    String rateLimitEsp,
    long rateLimitEvents,
    long rateLimitCalls,
    double rateLimitCallsPerSecond,
    double rateLimitUtilisation,
    @JsonProperty("rate_limit_http_429") long rateLimitHttp429,
    @JsonProperty("http_429") long http429,
    Integer outageSeconds,
    Integer latenessBudgetSeconds,
    Integer outageDecisions,
    Integer outageDeliveredOnce,
    Long outageExpired,
    Long outagePossiblySent,
    Long outageCallsDuringOutage,
    Double outageRecoverySeconds,
    long calls,
    long events,
    long duplicates,
    long missing,
    long withoutOutcome,
    Map<String, Long> outcomes,
    long deadLetters,
    long checkpointsCompleted,
    long checkpointsFailed,
    long checkpointDurationMaxMs,
    double elapsedSeconds,
    double processCpuSeconds,
    double loadAverageStart,
    double loadAverageEnd) {

  private static final ObjectMapper JSON =
      Contracts.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

  public DispatchBenchReport {
    outcomes = Map.copyOf(outcomes);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the report did not serialise", e);
    }
  }
}
