package com.sendflowr.timing.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The context signals active for one recipient: {@code factorAt(t) = prod(1 + w_i(t))}. Immutable;
 * every change returns a new value.
 */
public final class ContextWeights {

  public static final byte FORMAT_VERSION = 1;

  private static final ContextWeights NONE = new ContextWeights(List.of());

  private final List<ContextSignal> signals;

  // The signals as flat arrays: factorAt runs for every minute a decision scans, and a loop over
  // primitives keeps the compiled scan from being thrown away (deoptimised) whenever a decision
  // comes with another mix of signals than the ones before.
  private final long[] fromSecond;
  private final long[] untilSecond;
  private final boolean[] breaker;
  private final double[] amplitude;
  private final double[] decaySeconds;

  private ContextWeights(List<ContextSignal> signals) {
    this.signals = signals;
    int n = signals.size();
    fromSecond = new long[n];
    untilSecond = new long[n];
    breaker = new boolean[n];
    amplitude = new double[n];
    decaySeconds = new double[n];
    for (int i = 0; i < n; i++) {
      ContextSignal s = signals.get(i);
      fromSecond[i] = s.from().getEpochSecond();
      untilSecond[i] = s.until().getEpochSecond();
      breaker[i] = s.role() == ContextRole.CIRCUIT_BREAKER;
      amplitude[i] = s.amplitude();
      decaySeconds[i] = breaker[i] ? 0 : s.decay().toSeconds();
    }
  }

  public static ContextWeights none() {
    return NONE;
  }

  public static ContextWeights of(List<ContextSignal> signals) {
    return signals.isEmpty() ? NONE : new ContextWeights(List.copyOf(signals));
  }

  public List<ContextSignal> signals() {
    return signals;
  }

  public boolean isEmpty() {
    return signals.isEmpty();
  }

  /**
   * Folds one incoming signal in according to the rules: adds a hot path or breaker, ends the
   * breakers a clearing type names, ignores types without a role.
   */
  public ContextWeights apply(String wireType, Instant at, ContextRules rules) {
    var rule = rules.ruleFor(wireType);
    if (rule.isEmpty()) {
      return this;
    }
    List<ContextSignal> next = new ArrayList<>(signals.size() + 1);
    if (rule.get().role() == ContextRole.CLEAR) {
      String cleared = rule.get().clears();
      for (ContextSignal s : signals) {
        // A clear names a type: it ends that type's breakers from every source.
        next.add(ContextRules.typeOf(s.type()).equals(cleared) ? s.endingAt(at) : s);
      }
    } else {
      next.addAll(signals);
      next.add(rules.toSignal(wireType, at).orElseThrow());
    }
    return of(next);
  }

  public ContextWeights with(ContextSignal signal) {
    List<ContextSignal> next = new ArrayList<>(signals);
    next.add(signal);
    return of(next);
  }

  /** Drops signals that ended at or before {@code now}: context never outlives its duration. */
  public ContextWeights pruned(Instant now) {
    List<ContextSignal> next = new ArrayList<>(signals.size());
    for (ContextSignal s : signals) {
      if (s.until().isAfter(now)) {
        next.add(s);
      }
    }
    return next.size() == signals.size() ? this : of(next);
  }

  /** prod(1 + w_i(t)); exactly 0 while any circuit breaker is active. */
  public double factorAt(long epochSecond) {
    // The product of (1 + ContextSignal.weightAt), from the flat arrays.
    double f = 1;
    for (int i = 0; i < fromSecond.length; i++) {
      if (epochSecond < fromSecond[i] || epochSecond >= untilSecond[i]) {
        continue;
      }
      if (breaker[i]) {
        return 0;
      }
      f *= 1 + ContextSignal.boost(amplitude[i], epochSecond - fromSecond[i], decaySeconds[i]);
    }
    return f;
  }

  public boolean suppressedAt(long epochSecond) {
    for (int i = 0; i < signals.size(); i++) {
      ContextSignal s = signals.get(i);
      if (s.role() == ContextRole.CIRCUIT_BREAKER && s.isActiveAt(epochSecond)) {
        return true;
      }
    }
    return false;
  }

  /** Weights that are non-zero at {@code t}. */
  public List<AppliedWeight> appliedAt(Instant t) {
    List<AppliedWeight> out = new ArrayList<>();
    long e = t.getEpochSecond();
    for (ContextSignal s : signals) {
      double w = s.weightAt(e);
      if (w != 0) {
        out.add(new AppliedWeight(s.type(), s.role(), w, s.from(), s.until()));
      }
    }
    return out;
  }

  /** Circuit breakers overlapping [from, to], in start order. */
  public List<ContextSignal> breakersOverlapping(Instant from, Instant to) {
    List<ContextSignal> out = new ArrayList<>();
    for (ContextSignal s : signals) {
      if (s.role() == ContextRole.CIRCUIT_BREAKER
          && s.from().compareTo(to) <= 0
          && s.until().isAfter(from)) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(ContextSignal::from));
    return out;
  }

  /**
   * The first instant at or after {@code from} not covered by a breaker, or null when breakers
   * cover everything up to and including {@code to}.
   */
  public Instant firstUnsuppressed(Instant from, Instant to) {
    Instant t = from;
    for (ContextSignal s : breakersOverlapping(from, to)) {
      if (s.from().isAfter(t)) {
        break;
      }
      if (s.until().isAfter(t)) {
        t = s.until();
      }
    }
    return t.isAfter(to) ? null : t;
  }

  /**
   * Layout v1: version byte, count (u16), then per signal: type (u16 length + UTF-8), role ordinal
   * byte, from and until epoch seconds (i64), amplitude (f64), decay seconds (i64, -1 if none).
   */
  public byte[] toBytes() {
    List<byte[]> types = new ArrayList<>();
    int size = 3;
    for (ContextSignal s : signals) {
      byte[] t = s.type().getBytes(StandardCharsets.UTF_8);
      types.add(t);
      size += 2 + t.length + 1 + 8 + 8 + 8 + 8;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(FORMAT_VERSION);
    b.putShort((short) signals.size());
    for (int i = 0; i < signals.size(); i++) {
      ContextSignal s = signals.get(i);
      b.putShort((short) types.get(i).length);
      b.put(types.get(i));
      b.put((byte) s.role().ordinal());
      b.putLong(s.from().getEpochSecond());
      b.putLong(s.until().getEpochSecond());
      b.putDouble(s.amplitude());
      b.putLong(s.decay() == null ? -1 : s.decay().toSeconds());
    }
    return b.array();
  }

  public static ContextWeights fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < 3 || b.get() != FORMAT_VERSION) {
      throw new IllegalArgumentException("not a v1 context weights value");
    }
    int n = Short.toUnsignedInt(b.getShort());
    List<ContextSignal> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] t = new byte[Short.toUnsignedInt(b.getShort())];
      b.get(t);
      ContextRole role = ContextRole.values()[b.get()];
      Instant from = Instant.ofEpochSecond(b.getLong());
      Instant until = Instant.ofEpochSecond(b.getLong());
      double amplitude = b.getDouble();
      long decay = b.getLong();
      out.add(
          new ContextSignal(
              new String(t, StandardCharsets.UTF_8),
              role,
              from,
              until,
              amplitude,
              decay < 0 ? null : Duration.ofSeconds(decay)));
    }
    return of(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContextWeights other && signals.equals(other.signals);
  }

  @Override
  public int hashCode() {
    return signals.hashCode();
  }

  @Override
  public String toString() {
    return "ContextWeights" + signals;
  }
}
