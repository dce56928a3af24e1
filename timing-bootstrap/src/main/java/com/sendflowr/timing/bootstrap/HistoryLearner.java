package com.sendflowr.timing.bootstrap;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.job.identity.IdentityKeys;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Learns each recipient's engagement state from a file of historical signals, exactly as the
 * running timing job would learn them: the same strict signal parser, the same identity rules for
 * the recipient's id, the same rule for which signals the curve learns from. Pure: no Flink.
 *
 * <p>A bad line is counted under its reason and skipped; one bad line never stops a bootstrap of
 * two years of history. Lines are learned in file order, which is the order the library and the job
 * see them when the same history is replayed.
 */
public final class HistoryLearner {
  /** Signals at or after the cut-off: they belong to the live stream, not to history. */
  public static final String SKIP_AT_OR_AFTER_UNTIL = "at_or_after_until";

  /** Types the curve does not learn from (delivery feedback, context, zero-weight types). */
  public static final String SKIP_NOT_LEARNED = "not_learned";

  /** Identity keys that name no valid recipient (the job dead-letters such records). */
  public static final String SKIP_INVALID_IDENTITY = "invalid_identity";

  // Parse rejections are counted under the parser's own reason, e.g. "malformed_json".

  /** What history says about one recipient. */
  public static final class Learned {
    private final RecipientState state = new RecipientState();
    private long lastActivityMillis = Long.MIN_VALUE;

    public RecipientState state() {
      return state;
    }

    /** Epoch millis of the newest learned signal: the recipient's last activity. */
    public long lastActivityMillis() {
      return lastActivityMillis;
    }
  }

  private final Instant until;
  private final ModelConfig config;
  private final Map<String, Learned> recipients = new HashMap<>();
  private final Map<String, Long> skipped = new TreeMap<>();
  private long lines;
  private long used;

  /**
   * @param until signals at or after this instant are excluded
   */
  public HistoryLearner(Instant until, ModelConfig config) {
    this.until = until;
    this.config = config;
  }

  /**
   * Learns every line of a JSON-lines file, gzip-compressed or not (recognised by its content, not
   * its name).
   */
  public static HistoryLearner read(Path file, Instant until, ModelConfig config)
      throws IOException {
    HistoryLearner learner = new HistoryLearner(until, config);
    long read = 0;
    try (BufferedReader in = open(file)) {
      String line;
      while ((line = in.readLine()) != null) {
        read++;
        learner.accept(line);
      }
    } catch (IOException e) {
      // A damaged file (a truncated or corrupt gzip stream) is not one bad line: the rest of the
      // history is unknown, so the bootstrap stops rather than start recipients half-learned.
      throw new IOException(
          "cannot read " + file + " after line " + read + ": " + e.getMessage(), e);
    }
    return learner;
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    InputStream in =
        b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw; // gzip magic
    // A decoder that replaces malformed bytes: the line then fails or passes the strict parser on
    // its own, instead of one stray byte aborting the whole file.
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  /** Learns one line of history; blank lines are ignored. */
  public void accept(String line) {
    if (line.isBlank()) {
      return;
    }
    lines++;
    Parsed<Signal> parsed = Contracts.parseSignal(line);
    if (parsed instanceof Parsed.Rejected<Signal> r) {
      skip(r.reason().wire());
      return;
    }
    Signal s = parsed.value();
    if (!s.occurredAt().isBefore(until)) {
      skip(SKIP_AT_OR_AFTER_UNTIL);
      return;
    }
    SignalType type = s.knownType().orElse(null);
    if (!RecipientState.learnsFrom(type, config)) {
      skip(SKIP_NOT_LEARNED);
      return;
    }
    String recipient;
    try {
      recipient = IdentityKeys.plan(s.universalId(), s.identityKeys()).id();
    } catch (IdentityKeys.InvalidIdentity e) {
      skip(SKIP_INVALID_IDENTITY);
      return;
    }
    Learned l = recipients.computeIfAbsent(recipient, k -> new Learned());
    l.state.update(type, s.occurredAt(), config);
    l.lastActivityMillis = Math.max(l.lastActivityMillis, s.occurredAt().toEpochMilli());
    used++;
  }

  private void skip(String reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  /** Learned recipients by the id the running job keys them under. */
  public Map<String, Learned> recipients() {
    return Collections.unmodifiableMap(recipients);
  }

  /** Non-blank lines read. */
  public long lines() {
    return lines;
  }

  /** Signals learned. */
  public long used() {
    return used;
  }

  /** Skipped lines by reason, in reason order. */
  public Map<String, Long> skipped() {
    return Collections.unmodifiableMap(skipped);
  }
}
