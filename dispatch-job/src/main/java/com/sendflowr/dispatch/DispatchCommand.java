package com.sendflowr.dispatch;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.TimingDecision;
import java.time.Instant;

/**
 * A decision whose trigger time has come, resolved to the ESP binding in force at that moment.
 *
 * @param idempotencyKey derived from decision and binding; the ESP deduplicates on it
 * @param firedAt when the timer fired
 */
public record DispatchCommand(
    TimingDecision decision, IntentBinding binding, String idempotencyKey, Instant firedAt) {}
