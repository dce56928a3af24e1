package com.sendflowr.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sendflowr.contract.Contracts;

/**
 * What {@code bench timing-job} measured; serialised with the contract's snake_case mapper.
 *
 * @param signalsPerSecond signals committed per second: from the first checkpoint whose committed
 *     offsets cover 10 % of the signals (or the share {@code --steady-from} sets) to the one that
 *     covers all of them (so start-up is left out); with a {@code signalRateOffered} the job keeps
 *     up with, that rate
 * @param signalsPerSecondOverall all signals over the time from the job running to their last
 *     offsets committed (start-up included)
 * @param signalRateOffered signals per second produced while the job ran; 0 for a pre-loaded
 *     backlog
 * @param decisionsPerSecond decision records visible to a {@code read_committed} consumer, from the
 *     first request produced to the last decision seen
 * @param requestToDecisionP99Ms from a request's produce call to its first decision being read by a
 *     {@code read_committed} consumer (what the dispatcher experiences); the latencies are null
 *     (left out) when no request was sent
 * @param requestToDecidedP99Ms from the produce call to the decision's {@code created_at_utc} (the
 *     decide operator's clock): the part before the exactly-once commit
 * @param requestsSteady requests produced from the start of the steady window of {@code
 *     signalsPerSecond} on that have a visible first decision; {@code requestToDecisionP99MsSteady}
 *     is their latency, without start-up and the first minutes' JIT compilation (all three null
 *     when there is no steady window)
 * @param decideAlignmentMs over the last ten checkpoints of the run, the mean of the decide
 *     operator's slowest barrier alignment (and {@code decideStartDelayMs}, of its barrier's delay)
 * @param stateChangelog whether Flink's changelog state backend ran on top of {@code stateBackend}
 * @param checkpointBytes state size of the full checkpoint taken after the load; with {@code
 *     stateChangelog}, which cannot take a full one, of a regular checkpoint: the materialised
 *     state plus the changes logged since, so the state figures below are upper bounds
 * @param decideStateBytes the decide operator's share of {@code checkpointBytes}
 * @param stateBytesPerRecipient {@code decideStateBytes / recipients}; includes the open requests'
 *     bookkeeping and timers, so it is an upper bound of the recipient state proper; on RocksDB the
 *     files may still hold versions compaction has not dropped yet
 * @param rocksdbLiveDataBytes RocksDB's {@code estimate-live-data-size} of the decide operator
 *     after the full checkpoint (null on the heap backend)
 * @param processCpuSecondsDuringSignals CPU time the whole process (the job, the broker, the load
 *     generator) used from the job running to the signals' last commit
 * @param signalsPerCpuSecond signals over that CPU time: the figure that does not depend on what
 *     else the machine was running (the per-core rates do)
 * @param signalsPerCpuSecondSteady the same over the steady window of {@code signalsPerSecond}
 *     (start-up and early JIT compilation left out); null when the backlog drained too fast to have
 *     one, or the window was shorter than the process CPU clock's resolution
 */
public record TimingJobReport(
    String benchmark,
    String stateBackend,
    boolean stateChangelog,
    int recipients,
    long signals,
    int cores,
    int parallelism,
    long checkpointIntervalMs,
    double signalsPerSecond,
    double signalsPerSecondPerCore,
    double signalsPerSecondOverall,
    double elapsedSeconds,
    double signalRateOffered,
    double requestRateOffered,
    long requests,
    long decisions,
    long firstDecisions,
    long requestsWithoutDecision,
    double decisionsPerSecond,
    double decisionsPerSecondPerCore,
    Double requestToDecisionP50Ms,
    Double requestToDecisionP99Ms,
    Double requestToDecisionMaxMs,
    Double requestToDecidedP50Ms,
    Double requestToDecidedP99Ms,
    Integer requestsSteady,
    Double requestToDecisionP50MsSteady,
    Double requestToDecisionP99MsSteady,
    long deadLetters,
    long checkpointsDuringRun,
    long checkpointDurationMeanDuringRunMs,
    long checkpointDurationMaxDuringRunMs,
    Long decideAlignmentMs,
    Long decideStartDelayMs,
    long checkpointBytes,
    long checkpointDurationMs,
    long decideStateBytes,
    double stateBytesPerRecipient,
    Long rocksdbLiveDataBytes,
    Double rocksdbLiveBytesPerRecipient,
    double processCpuSecondsDuringSignals,
    double signalsPerCpuSecond,
    Double signalsPerCpuSecondSteady,
    double loadAverageStart,
    double loadAverageEnd) {

  private static final ObjectMapper JSON =
      Contracts.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the report did not serialise", e);
    }
  }
}
