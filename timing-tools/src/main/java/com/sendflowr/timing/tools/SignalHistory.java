package com.sendflowr.timing.tools;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.TimingEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A signal file held in memory as compact, time-sorted event arrays per recipient, so that many
 * cutoffs (rolling-origin evaluation, calibration folds) can be fitted without re-reading it. Only
 * signals of a known type are kept: an epoch millisecond (the precision of the signals' timestamps)
 * and a type ordinal, 9 bytes per event.
 */
final class SignalHistory {

  /** What reading the file found, for the report. */
  /** {@code ignored}: signals of an unknown type, or past the time a loader was limited to. */
  record InputStats(long lines, long accepted, Map<String, Long> rejected, long ignored) {}

  private static final SignalType[] TYPES = SignalType.values();

  private final String[] ids;
  private final long[][] times;
  private final byte[][] types;
  private final InputStats stats;

  private SignalHistory(String[] ids, long[][] times, byte[][] types, InputStats stats) {
    this.ids = ids;
    this.times = times;
    this.types = types;
    this.stats = stats;
  }

  int recipients() {
    return ids.length;
  }

  /** Recipient ids, sorted, so everything derived from them is independent of the file order. */
  String id(int r) {
    return ids[r];
  }

  /** The index of a recipient id, or a negative number when it has no events. */
  int indexOf(String id) {
    return Arrays.binarySearch(ids, id);
  }

  /** Epoch milliseconds of recipient r's events, ascending. */
  long[] times(int r) {
    return times[r];
  }

  SignalType type(int r, int i) {
    return TYPES[types[r][i]];
  }

  InputStats stats() {
    return stats;
  }

  /** First and last event millisecond over all recipients, or null for an empty history. */
  long[] span() {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long[] t : times) {
      if (t.length > 0) {
        lo = Math.min(lo, t[0]);
        hi = Math.max(hi, t[t.length - 1]);
      }
    }
    return lo == Long.MAX_VALUE ? null : new long[] {lo, hi};
  }

  /** The recipients whose index {@code keep} accepts, as a new history (shares the arrays). */
  SignalHistory subset(java.util.function.IntPredicate keep) {
    List<Integer> idx = new ArrayList<>();
    for (int r = 0; r < ids.length; r++) {
      if (keep.test(r)) {
        idx.add(r);
      }
    }
    String[] i2 = new String[idx.size()];
    long[][] t2 = new long[idx.size()][];
    byte[][] y2 = new byte[idx.size()][];
    for (int j = 0; j < i2.length; j++) {
      int r = idx.get(j);
      i2[j] = ids[r];
      t2[j] = times[r];
      y2[j] = types[r];
    }
    return new SignalHistory(i2, t2, y2, stats);
  }

  /**
   * The events strictly before {@code until}, as a new history: calibration works on this view, so
   * it cannot read anything at or after the cutoff it calibrates for.
   */
  SignalHistory before(Instant until) {
    long u = until.toEpochMilli();
    List<Integer> keep = new ArrayList<>();
    for (int r = 0; r < ids.length; r++) {
      if (times[r].length > 0 && times[r][0] < u) {
        keep.add(r);
      }
    }
    String[] i2 = new String[keep.size()];
    long[][] t2 = new long[keep.size()][];
    byte[][] y2 = new byte[keep.size()][];
    for (int j = 0; j < i2.length; j++) {
      int r = keep.get(j);
      int n = 0;
      while (n < times[r].length && times[r][n] < u) {
        n++;
      }
      i2[j] = ids[r];
      t2[j] = Arrays.copyOf(times[r], n);
      y2[j] = Arrays.copyOf(types[r], n);
    }
    return new SignalHistory(i2, t2, y2, stats);
  }

  /**
   * At most {@code n} recipients: those with the smallest 64-bit hash of their id, so the sample is
   * a fixed function of the ids, whatever the file order.
   */
  SignalHistory sample(int n) {
    if (ids.length <= n) {
      return this;
    }
    long[] h = new long[ids.length];
    for (int r = 0; r < ids.length; r++) {
      h[r] = hash(ids[r]);
    }
    long[] sorted = h.clone();
    Arrays.sort(sorted);
    long threshold = sorted[n - 1];
    return subset(r -> h[r] <= threshold);
  }

  /** The recipient-id hash the engine's shadow segmentation uses: stable across JVMs. */
  static long hash(String id) {
    return TimingEngine.stableHash(id);
  }

  /** Builds a history from events already parsed (tests, the simulator). */
  static final class Builder {
    private final Map<String, long[]> t = new HashMap<>();
    private final Map<String, byte[]> y = new HashMap<>();
    private final Map<String, Integer> n = new HashMap<>();
    private final Map<String, Long> rejected = new TreeMap<>();
    private long lines;
    private long accepted;
    private long unknown;
    private int limit = Integer.MAX_VALUE;
    // The admitted ids' hashes, largest first, while sampling.
    private final java.util.PriorityQueue<long[]> admitted =
        new java.util.PriorityQueue<>((x, y) -> Long.compare(y[0], x[0]));
    private final Map<Long, String> byHash = new HashMap<>();

    void add(String recipient, SignalType type, long epochMilli) {
      if (limit != Integer.MAX_VALUE && !n.containsKey(recipient) && !admit(recipient)) {
        return;
      }
      int c = n.getOrDefault(recipient, 0);
      long[] ts = t.get(recipient);
      byte[] ys = y.get(recipient);
      if (ts == null || c == ts.length) {
        int cap = ts == null ? 4 : ts.length * 2;
        ts = ts == null ? new long[cap] : Arrays.copyOf(ts, cap);
        ys = ys == null ? new byte[cap] : Arrays.copyOf(ys, cap);
        t.put(recipient, ts);
        y.put(recipient, ys);
      }
      ts[c] = epochMilli;
      ys[c] = (byte) type.ordinal();
      n.put(recipient, c + 1);
    }

    /** Whether a new recipient enters the sample (evicting the largest hash when it is full). */
    private boolean admit(String recipient) {
      long h = hash(recipient);
      if (admitted.size() >= limit) {
        long[] top = admitted.peek();
        if (h >= top[0]) {
          return false;
        }
        admitted.poll();
        String out = byHash.remove(top[0]);
        t.remove(out);
        y.remove(out);
        n.remove(out);
      }
      admitted.add(new long[] {h});
      byHash.put(h, recipient);
      return true;
    }

    SignalHistory build() {
      String[] ids = t.keySet().toArray(new String[0]);
      Arrays.sort(ids);
      long[][] times = new long[ids.length][];
      byte[][] types = new byte[ids.length][];
      for (int r = 0; r < ids.length; r++) {
        int c = n.get(ids[r]);
        long[] ts = t.get(ids[r]);
        byte[] ys = y.get(ids[r]);
        // Sort by time (stable in file order for equal seconds) through an index permutation.
        Integer[] order = new Integer[c];
        for (int i = 0; i < c; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(ts[a], ts[b]));
        times[r] = new long[c];
        types[r] = new byte[c];
        for (int i = 0; i < c; i++) {
          times[r][i] = ts[order[i]];
          types[r][i] = ys[order[i]];
        }
      }
      return new SignalHistory(
          ids, times, types, new InputStats(lines, accepted, Map.copyOf(rejected), unknown));
    }
  }

  /**
   * Reads a JSONL signal file (parsed with the contract's strict parser; rejected lines are counted
   * by reason and the first three of each reason logged).
   */
  static SignalHistory load(Path file, String tool, PrintStream log, long progressEvery)
      throws IOException {
    return load(file, tool, log, progressEvery, Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * Like {@link #load(Path, String, PrintStream, long)} but keeps only the {@code sample}
   * recipients with the smallest id hash (the same ones {@link #sample(int)} keeps), while reading:
   * the threshold only falls as ids arrive, so a recipient not admitted at its first signal never
   * is, and one dropped later never comes back. Memory stays proportional to the sample. Signals at
   * or after {@code untilEpochMilli} are not kept at all (counted as ignored).
   */
  static SignalHistory load(
      Path file, String tool, PrintStream log, long progressEvery, int sample, long untilEpochMilli)
      throws IOException {
    Builder b = new Builder();
    b.limit = sample;
    long t0 = System.nanoTime();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        b.lines++;
        if (!line.isBlank()) {
          Parsed<Signal> p = Contracts.parseSignal(line);
          if (p.isOk()) {
            b.accepted++;
            Signal s = p.value();
            SignalType type = s.knownType().orElse(null);
            if (type == null || s.occurredAt().toEpochMilli() >= untilEpochMilli) {
              b.unknown++;
            } else {
              b.add(s.recipientKey(), type, s.occurredAt().toEpochMilli());
            }
          } else {
            Parsed.Rejected<Signal> r = (Parsed.Rejected<Signal>) p;
            long k = b.rejected.merge(r.reason().toString(), 1L, Long::sum);
            if (k <= 3) {
              log.printf("%s: line %,d rejected (%s): %s%n", tool, b.lines, r.reason(), r.detail());
            }
          }
        }
        if (b.lines % progressEvery == 0) {
          progress(log, tool, b, t0);
        }
      }
    }
    progress(log, tool, b, t0);
    return b.build();
  }

  private static void progress(PrintStream log, String tool, Builder b, long t0) {
    Runtime rt = Runtime.getRuntime();
    log.printf(
        "%s: %,d lines, %,d recipients, %,d accepted, %.1f s, heap %,d MB%n",
        tool,
        b.lines,
        b.t.size(),
        b.accepted,
        (System.nanoTime() - t0) / 1e9,
        (rt.totalMemory() - rt.freeMemory()) >> 20);
  }
}
