package com.sendflowr.dispatch.esp;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.dispatch.DispatchCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Micro-batching rules: which due dispatches may share one ESP call, how a buffer of them becomes
 * calls, and when a buffer is flushed.
 *
 * <p>Dispatches share a call when they go to the same ESP account with the same credential, API
 * root and dry-run flag, and the adapter's {@linkplain EspAdapter#batchScope scope} (a Braze
 * campaign or Canvas; any binding for Klaviyo, whose bulk job names the metric per event). A call
 * carries at most the adapter's {@linkplain EspAdapter#maxBatchSize batch size}, never the same
 * idempotency key twice (Klaviyo fails a whole bulk job over a repeated {@code unique_id}).
 *
 * <p>A buffer is flushed when it is full, or once its first dispatch has waited the flush deadline.
 * A buffer of several is held a little longer while the account's batch endpoint has no free slot
 * yet (its pacing spacing since the last such call): it keeps filling instead of queueing one small
 * call after another behind the rate limit. A buffer of one never waits for that.
 */
public final class Batching {
  private Batching() {}

  /**
   * The key of the buffer a dispatch joins. ESPs without a batch endpoint (and unknown ESPs) are
   * keyed by request, which spreads them over the subtasks as before; their buffer never holds more
   * than one.
   */
  public static String key(EspAdapter adapter, DispatchCommand command) {
    IntentBinding b = command.binding();
    if (adapter == null || adapter.maxBatchSize() <= 1) {
      return "request|" + command.decision().requestId();
    }
    return String.join(
        "|",
        "account",
        b.esp(),
        b.account(),
        b.credentialRef(),
        String.valueOf(b.accountSettings().apiBaseUrl()),
        b.dryRun() ? "dry-run" : "live",
        adapter.batchScope(command));
  }

  /**
   * Whether all of an account's calls through this adapter leave from one subtask: only when they
   * are keyed by the account alone (a batch endpoint without a narrower scope, such as Klaviyo's).
   * Otherwise every subtask calls the account and each may use only its share of the limits.
   */
  public static boolean accountOnOneSubtask(EspAdapter adapter, DispatchCommand command) {
    return adapter != null && adapter.maxBatchSize() > 1 && adapter.batchScope(command).isEmpty();
  }

  /** The size a buffer of this adapter's dispatches is flushed at: 1 for an unknown ESP. */
  public static int maxBatchSize(EspAdapter adapter) {
    return adapter == null ? 1 : Math.max(1, adapter.maxBatchSize());
  }

  /**
   * The buffered dispatches as calls, in their order: at most {@code max} each, and a repeated
   * idempotency key (a replay) goes into a later call rather than next to itself.
   */
  public static List<List<DispatchCommand>> plan(List<DispatchCommand> buffered, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("a batch holds at least one dispatch");
    }
    List<List<DispatchCommand>> calls = new ArrayList<>();
    List<Set<String>> keys = new ArrayList<>();
    for (DispatchCommand c : buffered) {
      int i = 0;
      while (i < calls.size()
          && (calls.get(i).size() >= max || keys.get(i).contains(c.idempotencyKey()))) {
        i++;
      }
      if (i == calls.size()) {
        calls.add(new ArrayList<>());
        keys.add(new HashSet<>());
      }
      calls.get(i).add(c);
      keys.get(i).add(c.idempotencyKey());
    }
    return calls.stream().map(List::copyOf).toList();
  }

  /**
   * When a buffer is to be flushed, in epoch milliseconds (at or before {@code now}: at once).
   *
   * @param size dispatches buffered
   * @param max the adapter's batch size
   * @param firstAt when the buffer's first dispatch arrived
   * @param lastBatchAt when this buffer last flushed several dispatches in one call, or null
   * @param flushAfter the flush deadline
   * @param batchSpacing the account's pacing of its batch calls ({@link
   *     AccountRateLimiter#spacing}); zero when they are not paced
   */
  public static long flushAt(
      int size,
      int max,
      long firstAt,
      Long lastBatchAt,
      Duration flushAfter,
      Duration batchSpacing) {
    if (size >= max) {
      return Long.MIN_VALUE;
    }
    long at = firstAt + flushAfter.toMillis();
    if (size > 1 && lastBatchAt != null) {
      at = Math.max(at, lastBatchAt + batchSpacing.toMillis());
    }
    return at;
  }
}
