package com.sendflowr.timing.job.identity;

import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.TimingInput;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by identity key (one instance per strength of key, see {@link IdentityRoutes}): resolves
 * records routed to a key through the link it holds, keeps the strongest link per key, and emits a
 * {@link RecipientMerge} when a key that had named records on its own gets linked. A record
 * resolved through a link re-links its weaker keys to that id, towards the later resolvers. Thin:
 * the transitions are {@link KeyState}'s.
 *
 * <p>A key is forgotten once no record or link touched it for the TTL, by an event-time timer: the
 * watermark follows the wall clock on idle inputs, so cleanup never waits for traffic. Expiry is
 * rounded up to a whole day so that a busy key rewrites its state and timer at most once a day.
 */
public final class IdentityResolver
    extends KeyedProcessFunction<String, IdentityInput, TimingInput> {
  private static final long serialVersionUID = 1L;

  /** Stable operator ids of the three resolvers, by the strength of the keys they hold. */
  public static final String UID_EMAIL_KEYS = "timing-identity-resolve-email";

  public static final String UID_PHONE_KEYS = "timing-identity-resolve-phone";
  public static final String UID_ALIAS_KEYS = "timing-identity-resolve-alias";

  public static final OutputTag<RecipientMerge> MERGES =
      new OutputTag<>("recipient-merges", JsonRecordTypeInfo.of(RecipientMerge.class));

  private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

  private final long ttlMillis;

  private transient ValueState<KeyState> keys;
  private transient Counter linked;
  private transient Counter provisional;
  private transient Counter merges;
  private transient Counter conflicts;

  public IdentityResolver(Duration ttl) {
    if (ttl.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException("the identity TTL is at least one day, not " + ttl);
    }
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    keys =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "identity-key", BinaryCodecTypeInfo.of(new KeyState.Codec())));
    linked = getRuntimeContext().getMetricGroup().counter("identityResolvedByLink");
    provisional = getRuntimeContext().getMetricGroup().counter("identityResolvedProvisionally");
    merges = getRuntimeContext().getMetricGroup().counter("identityMerges");
    conflicts = getRuntimeContext().getMetricGroup().counter("identityConflicts");
  }

  @Override
  public void processElement(IdentityInput in, Context ctx, Collector<TimingInput> out)
      throws Exception {
    String route = ctx.getCurrentKey();
    if (route.startsWith(IdentityKeys.GIVEN_ROUTE_PREFIX)) {
      // Its own universal id: nothing to look up, nothing to keep. The stage passes these records
      // by (see IdentityFanOut); this keeps the operator correct on its own. No link ever has such
      // a route: links go to identity keys.
      if (in.record() != null) {
        out.collect(in.record());
      }
      return;
    }
    // The record's event time: links and merges are dated by the record that made them.
    long now =
        ctx.timestamp() != null ? ctx.timestamp() : ctx.timerService().currentProcessingTime();
    Instant at = Instant.ofEpochMilli(now);
    KeyState stored = keys.value();
    KeyState state = stored == null ? KeyState.EMPTY : stored;
    if (in.record() != null) {
      KeyState.Resolution r = state.resolve(route, at);
      TimingInput record = in.record();
      if (r.linked()) {
        IdentityResolution plan = record.resolution();
        KeyState s = r.next();
        record =
            record.resolvedAs(
                new IdentityResolution(
                    r.id(),
                    IdentityResolution.ALIAS,
                    plan.viaKey(),
                    plan.aliases(),
                    s.linkedBy(),
                    s.linkedAt()));
        linked.inc();
        relink(record, r.id(), ctx);
      } else if (IdentityResolution.PROVISIONAL.equals(record.resolution().method())) {
        provisional.inc();
      }
      state = r.next();
      out.collect(record);
    } else {
      KeyState.LinkResult r = state.link(route, in.link(), at);
      if (r.merge() != null) {
        ctx.output(MERGES, r.merge());
        merges.inc();
      }
      if (r.conflict()) {
        conflicts.inc();
      }
      state = r.next();
    }
    store(stored, state, now, ctx);
  }

  /**
   * The fan-out linked the record's weaker keys to what its fields say (say {@code email:...}); the
   * key it was routed to has been claimed by a stronger id since (a universal id), so those keys
   * are linked to that id too. The links go to the resolvers of weaker keys, downstream of this
   * one.
   */
  private static void relink(TimingInput record, String id, Context ctx) {
    String by = IdentityFanOut.recordRef(record);
    for (IdentityKeys.Key k : IdentityFanOut.plan(record).linked()) {
      if (IdentityKeys.mayLink(k.id(), id)) {
        IdentityInput link = IdentityInput.of(k.id(), new Link(id, k.display(), by));
        ctx.output(IdentityRoutes.of(link), link);
      }
    }
  }

  /** Saves the state if it changed, and pushes its expiry out to a whole day past now + TTL. */
  private void store(KeyState stored, KeyState state, long now, Context ctx) throws Exception {
    if (stored == null && state.equals(KeyState.EMPTY)) {
      return; // an ignored link to an unknown key leaves nothing behind
    }
    long expiry = ceilToDay(saturatedAdd(now, ttlMillis));
    if (expiry > state.expiresAt()) {
      if (state.expiresAt() != Long.MIN_VALUE) {
        ctx.timerService().deleteEventTimeTimer(state.expiresAt());
      }
      ctx.timerService().registerEventTimeTimer(expiry);
      state = state.expiringAt(expiry);
    }
    if (!state.equals(stored)) {
      keys.update(state);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TimingInput> out)
      throws Exception {
    KeyState state = keys.value();
    if (state != null && timestamp >= state.expiresAt()) {
      keys.clear();
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  private static long ceilToDay(long millis) {
    long floor = Math.floorDiv(millis, DAY_MILLIS) * DAY_MILLIS;
    return floor == millis || floor > Long.MAX_VALUE - DAY_MILLIS ? floor : floor + DAY_MILLIS;
  }
}
