package com.sendflowr.timing.bootstrap;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.job.identity.IdentityKeys;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import java.time.Instant;

/**
 * What one line of history means to the running timing job: a signal its curve learns, under the id
 * the job keys the recipient by, or the reason the line is skipped. The same strict signal parser,
 * identity rules and learning rule as the job, so a bootstrapped recipient holds exactly what the
 * job would have learned from the same signals. Pure: no Flink.
 */
public final class HistoryLine {
  /** Signals at or after the cut-off: they belong to the live stream, not to history. */
  public static final String SKIP_AT_OR_AFTER_UNTIL = "at_or_after_until";

  /** Types the curve does not learn from (delivery feedback, context, zero-weight types). */
  public static final String SKIP_NOT_LEARNED = "not_learned";

  /** Identity keys that name no valid recipient (the job dead-letters such records). */
  public static final String SKIP_INVALID_IDENTITY = "invalid_identity";

  // Parse rejections are skipped under the parser's own reason, e.g. "malformed_json".

  private HistoryLine() {}

  /** One line's meaning: exactly one of {@link Learn} or {@link Skip}. */
  public sealed interface Meaning permits Learn, Skip {}

  /**
   * A signal to learn.
   *
   * @param recipient the id the running job keys the recipient under
   * @param type a type the curve learns from
   */
  public record Learn(String recipient, SignalType type, Instant occurredAt) implements Meaning {}

  /** A line not learned, and why. */
  public record Skip(String reason) implements Meaning {}

  /**
   * @param until signals at or after this instant are skipped
   * @return null for a blank line, which is no record at all
   */
  public static Meaning classify(String line, Instant until, ModelConfig config) {
    if (line.isBlank()) {
      return null;
    }
    Parsed<Signal> parsed = Contracts.parseSignal(line);
    if (parsed instanceof Parsed.Rejected<Signal> r) {
      return new Skip(r.reason().wire());
    }
    Signal s = parsed.value();
    if (!s.occurredAt().isBefore(until)) {
      return new Skip(SKIP_AT_OR_AFTER_UNTIL);
    }
    SignalType type = s.knownType().orElse(null);
    if (!RecipientState.learnsFrom(type, config)) {
      return new Skip(SKIP_NOT_LEARNED);
    }
    try {
      return new Learn(
          IdentityKeys.plan(s.universalId(), s.identityKeys()).id(), type, s.occurredAt());
    } catch (IdentityKeys.InvalidIdentity e) {
      return new Skip(SKIP_INVALID_IDENTITY);
    }
  }
}
