package com.sendflowr.timing.job;

import com.sendflowr.config.ConnectorConfig;
import com.sendflowr.config.IntentSettings;
import com.sendflowr.config.SignalMapping;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.timing.job.identity.RecipientHandoff;
import com.sendflowr.timing.job.identity.RecipientMerge;
import com.sendflowr.timing.job.state.ContextHistoryCodec;
import com.sendflowr.timing.job.state.LatencyTrackerCodec;
import com.sendflowr.timing.job.state.PendingRequestCodec;
import com.sendflowr.timing.job.state.RecipientStateCodec;
import com.sendflowr.timing.model.ContextRules;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.LatencyModel;
import com.sendflowr.timing.model.LatencyTracker;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import com.sendflowr.timing.model.TimingChoice;
import com.sendflowr.timing.model.TimingEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per recipient: learns the engagement curve from signals, keeps recent context, and answers every
 * send request with versioned decisions from the timing model: a first decision, a superseding one
 * when a hot path arrives, a cancellation when a circuit breaker opens and a fresh decision when it
 * ends, a fresh decision when the dispatcher could not fire in time, and an explicit {@code
 * expired} record when the window passes with nothing to send. Config (signal roles, intent
 * settings) and learned channel latency arrive as broadcast state.
 *
 * <p>Time: decisions are made at processing time ("now" is when the operator sees the input);
 * follow-ups (breaker end, window end, forgetting) are event-time timers, which fire on time even
 * on idle inputs because watermarks follow the wall clock.
 */
public final class DecideFunction
    extends KeyedBroadcastProcessFunction<
        String, TimingInput, ControlInput, Either<TimingDecision, ExplanationRow>> {
  private static final long serialVersionUID = 1L;

  /**
   * What the decide operator emits: each decision version (left) and right after it its explanation
   * row (right). One output, not a side output for the rows, so the exactly-once sink that writes
   * both in one transaction chains to this operator: no network hop, no JSON read back.
   */
  public static final TypeInformation<Either<TimingDecision, ExplanationRow>> OUTPUT =
      new EitherTypeInfo<>(
          JsonRecordTypeInfo.of(TimingDecision.class), JsonRecordTypeInfo.of(ExplanationRow.class));

  /** Latest change per config entity, tombstones kept: the descriptor the config module owns. */
  public static final MapStateDescriptor<String, ConfigChange> CONFIG =
      ConnectorConfig.LATEST_CHANGES;

  /** Learned latency per execution channel. */
  public static final MapStateDescriptor<String, LatencyTracker> LATENCY =
      new MapStateDescriptor<>(
          "channel-latency", Types.STRING, BinaryCodecTypeInfo.of(new LatencyTrackerCodec()));

  public static final ValueStateDescriptor<RecipientState> RECIPIENT_STATE =
      new ValueStateDescriptor<>(
          "recipient-state", BinaryCodecTypeInfo.of(new RecipientStateCodec()));
  public static final ValueStateDescriptor<ContextHistory> CONTEXT =
      new ValueStateDescriptor<>("context-history", ContextHistoryCodec.TYPE);
  public static final MapStateDescriptor<String, PendingRequest> PENDING =
      new MapStateDescriptor<>("pending-requests", Types.STRING, PendingRequestCodec.TYPE);

  /** Set once this id's history was merged into a stronger id: where its records now go. */
  public static final ValueStateDescriptor<String> MERGED_INTO =
      new ValueStateDescriptor<>("merged-into", Types.STRING);

  /** The ids whose history was merged into this one, for the audit trail. */
  public static final ValueStateDescriptor<MergedFrom> MERGED_FROM =
      new ValueStateDescriptor<>("merged-from", JsonRecordTypeInfo.of(MergedFrom.class));

  /** Histories and late records moving to the id they were merged into (via Kafka, no loops). */
  public static final OutputTag<RecipientHandoff> HANDOFFS =
      new OutputTag<>("handoffs", JsonRecordTypeInfo.of(RecipientHandoff.class));

  /**
   * Epoch millis of the first signal or request that moved the recipient's inactivity check to a
   * later day: activity after it until the next day's check is not written (it would not change
   * when the recipient expires).
   */
  public static final ValueStateDescriptor<Long> LAST_ACTIVITY =
      new ValueStateDescriptor<>("last-activity", Types.LONG);

  private static final String STAGE = "timing-job/decide";

  /**
   * Inactivity expiry is checked on a daily grid, so a busy recipient holds one timer, not many.
   */
  private static final long TTL_GRID_MILLIS = Duration.ofDays(1).toMillis();

  private final DecideSettings settings;
  private final ModelSpec model;

  private transient ModelConfig modelConfig;
  private transient TimingPolicy policy;
  private transient TimingPolicy fallback;
  private transient TimingConfigView view;
  private transient ValueState<RecipientState> recipient;
  private transient ValueState<ContextHistory> context;
  private transient MapState<String, PendingRequest> pending;
  private transient ValueState<Long> lastActivity;
  private transient ValueState<String> mergedInto;
  private transient ValueState<MergedFrom> mergedFrom;
  private transient DecideMetrics metrics;

  public DecideFunction(DecideSettings settings, ModelSpec model) {
    this.settings = settings;
    this.model = model;
  }

  @Override
  public void open(OpenContext openContext) {
    TimingEngine engine = model.engine();
    modelConfig = engine.config();
    fallback = TimingPolicy.asap(engine);
    policy =
        DecideSettings.POLICY_ASAP.equals(settings.policy())
            ? fallback
            : TimingPolicy.model(engine, model.modelVersion());
    recipient = getRuntimeContext().getState(RECIPIENT_STATE);
    context = getRuntimeContext().getState(CONTEXT);
    pending = getRuntimeContext().getMapState(PENDING);
    lastActivity = getRuntimeContext().getState(LAST_ACTIVITY);
    mergedInto = getRuntimeContext().getState(MERGED_INTO);
    mergedFrom = getRuntimeContext().getState(MERGED_FROM);
    metrics = new DecideMetrics(getRuntimeContext().getMetricGroup(), modelConfig);
  }

  // ---- broadcast side -------------------------------------------------------------------------

  @Override
  public void processBroadcastElement(
      ControlInput in, Context ctx, Collector<Either<TimingDecision, ExplanationRow>> out)
      throws Exception {
    if (in.config() != null) {
      if (ConnectorConfig.remember(ctx.getBroadcastState(CONFIG), in.config())) {
        view = null; // rebuilt on next use, from the state every instance holds alike
      }
    } else {
      ctx.getBroadcastState(LATENCY)
          .put(in.latency().channel(), LatencyTracker.fromBytes(in.latency().tracker()));
    }
  }

  private TimingConfigView view(ReadOnlyBroadcastState<String, ConfigChange> config)
      throws Exception {
    if (view == null) {
      List<ConfigChange> changes = new ArrayList<>();
      for (Map.Entry<String, ConfigChange> e : config.immutableEntries()) {
        changes.add(e.getValue());
      }
      view = TimingConfigView.of(changes);
    }
    return view;
  }

  // ---- keyed side -----------------------------------------------------------------------------

  @Override
  public void processElement(
      TimingInput in, ReadOnlyContext ctx, Collector<Either<TimingDecision, ExplanationRow>> out)
      throws Exception {
    Instant now = Instant.ofEpochMilli(ctx.currentProcessingTime());
    Decisions decisions = new Decisions(ctx, out, view(ctx.getBroadcastState(CONFIG)));
    String movedTo = mergedInto.value();
    if (movedTo != null) {
      forward(in, movedTo, now, decisions);
      return;
    }
    dispatch(in, now, decisions);
  }

  private void dispatch(TimingInput in, Instant now, Decisions decisions) throws Exception {
    if (in.signal() != null) {
      onSignal(in.signal(), now, decisions);
    } else if (in.request() != null) {
      onRequest(in.request(), in, now, decisions);
    } else if (in.outcome() != null) {
      onOutcome(in.outcome(), now, decisions);
    } else if (in.merge() != null) {
      onMerge(in.merge(), now, decisions);
    } else {
      onHandoff(in.handoff(), now, decisions);
    }
  }

  // ---- identity merges ------------------------------------------------------------------------

  /** This id's history belongs to a stronger id now: hand all of it over and leave a forward. */
  private void onMerge(RecipientMerge merge, Instant now, Decisions d) throws Exception {
    RecipientState st = recipient.value();
    ContextHistory history = context.value();
    List<PendingRequest> open = snapshotOfPending();
    d.ctx.output(
        HANDOFFS,
        new RecipientHandoff(
            merge.from() + "->" + merge.into() + "@" + merge.at().toEpochMilli(),
            merge.from(),
            merge.into(),
            now,
            merge,
            st == null ? null : st.toBytes(),
            history,
            open,
            null));
    if (st != null) {
      metrics.recipients.dec();
    }
    recipient.clear();
    context.clear();
    pending.clear();
    mergedFrom.clear();
    mergedInto.update(merge.into());
    metrics.merges.inc();
    touch(now, d.ctx); // the forward is kept, and forgotten, like any recipient
  }

  /** Keeps every record that still names a merged-away id: it goes on to the id it merged into. */
  private void forward(TimingInput in, String movedTo, Instant now, Decisions d) throws Exception {
    if (in.merge() != null) {
      // A second, stronger claim on an id already merged: records follow the latest claim.
      mergedInto.update(in.merge().into());
      return;
    }
    RecipientHandoff h = in.handoff();
    TimingInput forwarded = h == null ? in.forwardedTo(movedTo) : h.forwarded();
    d.ctx.output(
        HANDOFFS,
        h != null && h.forwarded() == null
            ? new RecipientHandoff(
                h.handoffId() + "->" + movedTo,
                h.from(),
                movedTo,
                h.at(),
                h.merge(),
                h.state(),
                h.context(),
                h.pending(),
                null)
            : new RecipientHandoff(
                "fwd-" + d.ctx.getCurrentKey() + "->" + movedTo + "@" + now.toEpochMilli(),
                d.ctx.getCurrentKey(),
                movedTo,
                now,
                null,
                null,
                null,
                List.of(),
                forwarded == null ? null : forwarded.forwardedTo(movedTo)));
    metrics.forwarded.inc();
    touch(now, d.ctx);
  }

  /** Another id's history (or one late record of it) arrives here. */
  private void onHandoff(RecipientHandoff h, Instant now, Decisions d) throws Exception {
    if (h.forwarded() != null) {
      dispatch(h.forwarded().forwardedTo(d.ctx.getCurrentKey()), now, d);
      return;
    }
    if (h.state() != null) {
      RecipientState theirs = RecipientState.fromBytes(h.state());
      RecipientState ours = recipient.value();
      if (ours == null) {
        recipient.update(theirs);
        metrics.recipients.inc();
      } else {
        ours.mergeFrom(theirs, modelConfig.halfLife());
        recipient.update(ours);
      }
    }
    if (h.context() != null && !h.context().isEmpty()) {
      ContextHistory ours = context.value();
      ContextHistory merged = ours == null ? ContextHistory.empty() : ours;
      for (ContextHistory.Event e : h.context().events()) {
        merged = merged.with(e.type(), e.at(), now, d.view.longestContext());
      }
      context.update(merged);
    }
    for (PendingRequest p : h.pending()) {
      if (!pending.contains(p.request().requestId())) {
        save(p, d.ctx);
      }
    }
    MergedFrom log = mergedFrom.value();
    mergedFrom.update((log == null ? MergedFrom.empty() : log).with(h.from()));
    touch(now, d.ctx);
  }

  private void onSignal(Signal signal, Instant now, Decisions d) throws Exception {
    if (RecipientState.learnsFrom(signal.knownType().orElse(null), modelConfig)) {
      RecipientState st = recipient.value();
      if (st == null) {
        st = new RecipientState();
        metrics.recipients.inc();
      }
      st.update(signal.knownType().get(), signal.occurredAt(), modelConfig);
      recipient.update(st);
      touch(now, d.ctx);
    }
    String type = signal.eventType();
    if (!d.view.hasContextRole(type)) {
      return;
    }
    ContextHistory history = context.value();
    if (history == null) {
      history = ContextHistory.empty();
    }
    // Kept with its source, so a mapping of one source (Shopify site visits) applies to it alone.
    String key = ContextRules.key(type, signal.source());
    context.update(history.with(key, signal.occurredAt(), now, d.view.longestContext()));
    touch(now, d.ctx);
    for (PendingRequest p : snapshotOfPending()) {
      SignalMapping m =
          d.view.mappingFor(type, signal.source(), p.request().intentId()).orElse(null);
      if (m != null) {
        onContextSignal(p, m, signal, now, d);
      }
    }
  }

  private void onContextSignal(
      PendingRequest p, SignalMapping m, Signal signal, Instant now, Decisions d) throws Exception {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("signal_type", signal.eventType());
    detail.put("event_id", signal.eventId());
    detail.put("occurred_at", signal.occurredAt().toString());
    detail.put("mapping_id", m.mappingId());
    switch (m.role()) {
      case CIRCUIT_BREAKER -> {
        Instant until = signal.occurredAt().plus(m.duration());
        if (!until.isAfter(now) || !(p.changeableAt(now) || p.waiting())) {
          return;
        }
        detail.put("suppressed_until", until.toString());
        Instant resume = p.resumeAt() != null && p.resumeAt().isAfter(until) ? p.resumeAt() : until;
        if (p.waiting()) {
          save(p.withCurrent(p.current(), resume), d.ctx);
          return;
        }
        DecisionMapper.Decided cancel =
            DecisionMapper.lifecycleChange(
                p.current(),
                lifecycle(p).next(p.current().decisionId(), "circuit_breaker", detail),
                DecisionStatus.CANCELLED,
                now);
        d.emit(cancel);
        metrics.cancellations.inc();
        save(p.withCurrent(cancel.decision(), resume), d.ctx);
      }
      case CLEAR -> {
        // A request suppressed for its whole window may be reachable again once the breaker ends.
        boolean suppressed = !p.dispatched() && p.current().status() == DecisionStatus.SUPPRESSED;
        if (p.waiting() || suppressed) {
          redecide(p, "breaker_cleared", detail, false, now, d);
        }
      }
      case HOT_PATH -> {
        if (p.changeableAt(now)) {
          detail.put("weight", m.weight());
          detail.put("decay", m.decay().toString());
          redecide(p, "hot_path", detail, true, now, d);
        }
      }
    }
  }

  private void onRequest(SendRequest request, TimingInput in, Instant now, Decisions d)
      throws Exception {
    if (pending.contains(request.requestId())) {
      metrics.duplicates.inc(); // a redelivery: the request was decided already
      return;
    }
    IntentSettings intent = d.view.settingsFor(request.intentId());
    if (!intent.enabled()) {
      d.deadLetter(
          request, RejectReason.INTENT_DISABLED, "intent " + request.intentId() + " is disabled");
      return;
    }
    int open = 0;
    for (String ignored : pending.keys()) {
      open++;
    }
    if (open >= settings.maxPendingPerRecipient()) {
      d.deadLetter(
          request,
          RejectReason.LIMIT_EXCEEDED,
          "recipient has "
              + open
              + " open send requests, the limit is "
              + settings.maxPendingPerRecipient());
      return;
    }
    Instant windowStart = request.notBefore() == null ? now : request.notBefore();
    Instant windowEnd =
        request.notAfter() == null ? windowStart.plus(intent.defaultWindow()) : request.notAfter();
    if (windowEnd.isBefore(windowStart)
        || Duration.between(windowStart, windowEnd).compareTo(IntentSettings.MAX_WINDOW) > 0) {
      d.deadLetter(
          request,
          RejectReason.INVALID_FIELD,
          "window "
              + windowStart
              + ".."
              + windowEnd
              + " is empty or longer than "
              + IntentSettings.MAX_WINDOW.toDays()
              + " days");
      return;
    }
    PendingRequest fresh =
        new PendingRequest(
            request,
            windowStart,
            windowEnd,
            null,
            null,
            windowEnd.plus(settings.requestRetention()),
            false,
            in.resolution());
    DecisionMapper.Decided decided =
        decide(fresh, DecisionMapper.Lifecycle.first(in.resolution(), mergedIds()), now, d);
    if (decided == null) {
      return;
    }
    d.emit(decided);
    touch(now, d.ctx);
    save(fresh.withCurrent(decided.decision(), null), d.ctx);
  }

  private void onOutcome(DispatchOutcome outcome, Instant now, Decisions d) throws Exception {
    PendingRequest p = pending.get(outcome.requestId());
    if (p == null
        || p.dispatched()
        || !p.scheduled()
        || !outcome.decisionId().equals(p.current().decisionId())) {
      return; // unknown, stale, or the echo of a version that sends nothing
    }
    if (outcome.state() == OutcomeState.EXPIRED) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("outcome_id", outcome.outcomeId());
      detail.put("fired_at", String.valueOf(outcome.firedAt()));
      detail.put("lateness_millis", outcome.latenessMillis());
      redecide(p, "dispatch_expired", detail, false, now, d);
    } else if (outcome.state() != OutcomeState.CANCELLED
        && outcome.state() != OutcomeState.SUPPRESSED) {
      save(p.markDispatched(), d.ctx);
    }
  }

  @Override
  public void onTimer(
      long timestamp, OnTimerContext ctx, Collector<Either<TimingDecision, ExplanationRow>> out)
      throws Exception {
    Long last = lastActivity.value();
    if (last != null && ttlCheckAt(last) <= timestamp) {
      clearRecipient();
      return;
    }
    Instant due = Instant.ofEpochMilli(timestamp);
    Instant now = Instant.ofEpochMilli(Math.max(timestamp, ctx.currentProcessingTime()));
    Decisions d = new Decisions(ctx, out, view(ctx.getBroadcastState(CONFIG)));
    for (PendingRequest p : snapshotOfPending()) {
      if (!p.forgetAt().isAfter(due)) {
        pending.remove(p.request().requestId());
      } else if (p.waiting() && p.resumeAt() != null && !p.resumeAt().isAfter(due)) {
        Map<String, Object> detail = Map.of("suppressed_until", p.resumeAt().toString());
        redecide(p, "breaker_ended", detail, false, now, d);
      } else if (p.waiting() && !p.windowEnd().isAfter(due)) {
        DecisionMapper.Decided expiry =
            DecisionMapper.lifecycleChange(
                p.current(),
                lifecycle(p)
                    .next(
                        p.current().decisionId(),
                        "window_passed",
                        Map.of("window_end", p.windowEnd().toString())),
                DecisionStatus.EXPIRED,
                now);
        d.emit(expiry);
        metrics.expirations.inc();
        save(p.withCurrent(expiry.decision(), null), ctx);
      }
    }
  }

  // ---- decisions ------------------------------------------------------------------------------

  private void redecide(
      PendingRequest p,
      String cause,
      Map<String, Object> detail,
      boolean onlyIfMoved,
      Instant now,
      Decisions d)
      throws Exception {
    DecisionMapper.Lifecycle lc = lifecycle(p).next(p.current().decisionId(), cause, detail);
    DecisionMapper.Decided decided = decide(p, lc, now, d);
    if (decided == null) {
      return;
    }
    TimingDecision next = decided.decision();
    if (onlyIfMoved
        && next.status() == DecisionStatus.SCHEDULED
        && next.targetTimestampUtc().equals(p.current().targetTimestampUtc())) {
      return; // the signal did not change the answer: no new version
    }
    d.emit(decided);
    metrics.redecisions.inc();
    save(p.withCurrent(next, null), d.ctx);
  }

  /** Decides one version with the production policy, the ASAP fallback if the model fails. */
  private DecisionMapper.Decided decide(
      PendingRequest p, DecisionMapper.Lifecycle lc, Instant now, Decisions d) throws Exception {
    SendRequest r = p.request();
    String intent = r.intentId();
    ContextHistory history = context.value();
    DecisionRequest request =
        new DecisionRequest(
            getCurrentKeyOf(d.ctx),
            intent,
            now,
            p.windowStart(),
            p.windowEnd(),
            recipient.value(),
            history == null ? null : history.weightsAt(now, d.view.rulesFor(intent)),
            latencyFor(intent, d),
            d.view.policyFor(intent));
    TimingPolicy used = policy;
    String note = "production policy";
    TimingChoice choice;
    try {
      choice = policy.choose(request);
    } catch (RuntimeException e) {
      used = fallback;
      note = "the model failed on this request (" + e.getClass().getSimpleName() + ")";
      try {
        choice = fallback.choose(request);
      } catch (RuntimeException again) {
        d.deadLetter(r, RejectReason.DECISION_FAILED, again.getMessage());
        return null;
      }
    }
    if (used == policy && DecideSettings.POLICY_ASAP.equals(settings.policy())) {
      note = "pinned by the operator (policy asap)";
    }
    DecisionMapper.Decided decided =
        DecisionMapper.fromChoice(
            r, getCurrentKeyOf(d.ctx), lc, choice, used, note, now, p.windowEnd());
    metrics.record(decided.decision(), choice.fallback() || used == fallback);
    return decided;
  }

  private LatencyModel latencyFor(String intent, Decisions d) throws Exception {
    String channel = d.view.channelFor(intent);
    LatencyTracker learned = channel == null ? null : d.ctx.getBroadcastState(LATENCY).get(channel);
    if (learned != null) {
      return learned;
    }
    return LatencyTracker.withDefaults(settings.defaultLatency());
  }

  private DecisionMapper.Lifecycle lifecycle(PendingRequest p) throws Exception {
    TimingDecision c = p.current();
    return new DecisionMapper.Lifecycle(
        c.version(), c.supersedes(), "", Map.of(), p.identity(), mergedIds());
  }

  private List<String> mergedIds() throws Exception {
    MergedFrom log = mergedFrom.value();
    return log == null ? List.of() : log.ids();
  }

  // ---- state housekeeping ---------------------------------------------------------------------

  private List<PendingRequest> snapshotOfPending() throws Exception {
    List<PendingRequest> all = new ArrayList<>();
    for (PendingRequest p : pending.values()) {
      all.add(p);
    }
    return all;
  }

  private void save(PendingRequest p, ReadOnlyContext ctx) throws Exception {
    pending.put(p.request().requestId(), p);
    ctx.timerService().registerEventTimeTimer(timerAtOrAfter(p.nextCheck()));
  }

  /** Timers have millisecond resolution; rounding down would fire before the instant is due. */
  static long timerAtOrAfter(Instant t) {
    long millis = t.toEpochMilli();
    return t.getNano() % 1_000_000 == 0 ? millis : millis + 1;
  }

  private void touch(Instant now, ReadOnlyContext ctx) throws Exception {
    Long previous = lastActivity.value();
    long at = now.toEpochMilli();
    // The TTL check's outcome depends only on which daily check an activity falls into, so a later
    // activity with the same check changes nothing: no state write and no timer write per signal.
    if (previous != null && (at <= previous || ttlCheckAt(previous) == ttlCheckAt(at))) {
      return;
    }
    if (previous != null) {
      ctx.timerService().deleteEventTimeTimer(ttlCheckAt(previous));
    }
    lastActivity.update(at);
    ctx.timerService().registerEventTimeTimer(ttlCheckAt(at));
  }

  private long ttlCheckAt(long lastActivityMillis) {
    return ttlCheckAt(lastActivityMillis, settings.recipientTtl());
  }

  /**
   * When the inactivity TTL of a recipient last active at {@code lastActivityMillis} is checked:
   * the timer the bootstrap from history registers too, so a bootstrapped recipient expires like a
   * live one.
   */
  public static long ttlCheckAt(long lastActivityMillis, Duration ttl) {
    long expiry = lastActivityMillis + ttl.toMillis();
    return (Math.floorDiv(expiry, TTL_GRID_MILLIS) + 1) * TTL_GRID_MILLIS;
  }

  /** Forgets an inactive recipient; its open requests' windows ended long before. */
  private void clearRecipient() throws Exception {
    if (recipient.value() != null) {
      metrics.recipients.dec();
    }
    recipient.clear();
    context.clear();
    pending.clear();
    lastActivity.clear();
    mergedInto.clear();
    mergedFrom.clear();
    metrics.forgotten.inc();
  }

  private String getCurrentKeyOf(ReadOnlyContext ctx) {
    return ctx.getCurrentKey();
  }

  /** Where one input's decisions and dead letters go. */
  private final class Decisions {
    final ReadOnlyContext ctx;
    final Collector<Either<TimingDecision, ExplanationRow>> out;
    final TimingConfigView view;

    Decisions(
        ReadOnlyContext ctx,
        Collector<Either<TimingDecision, ExplanationRow>> out,
        TimingConfigView view) {
      this.ctx = ctx;
      this.out = out;
      this.view = view;
    }

    void emit(DecisionMapper.Decided decided) {
      out.collect(Either.Left(decided.decision()));
      out.collect(Either.Right(decided.explanation()));
    }

    void deadLetter(SendRequest request, RejectReason reason, String detail) {
      metrics.deadLetter(reason);
      ctx.output(
          DeadLetters.TAG,
          Contracts.deadLetter(
              STAGE,
              null,
              request.recipientKey(),
              Contracts.toJson(request),
              reason,
              detail,
              Instant.ofEpochMilli(ctx.currentProcessingTime())));
    }
  }

  /** The decide operator's Flink metrics. */
  static final class DecideMetrics {
    final Counter decisions;
    final Counter redecisions;
    final Counter cancellations;
    final Counter expirations;
    final Counter fallbacks;
    final Counter duplicates;
    final Counter recipients;
    final Counter forgotten;
    final Counter merges;
    final Counter forwarded;
    final Histogram confidence;
    private final MetricGroup deadLetters;
    private final Map<RejectReason, Counter> byReason = new HashMap<>();

    DecideMetrics(MetricGroup group, ModelConfig config) {
      decisions = group.counter("decisions");
      redecisions = group.counter("redecisions");
      cancellations = group.counter("cancellations");
      expirations = group.counter("expirations");
      fallbacks = group.counter("fallbackDecisions");
      duplicates = group.counter("duplicateRequests");
      recipients = group.counter("recipients");
      forgotten = group.counter("recipientsForgotten");
      merges = group.counter("identityMergesApplied");
      forwarded = group.counter("recordsForwardedAfterMerge");
      confidence = group.histogram("confidence", new DescriptiveStatisticsHistogram(1_000));
      group.gauge(
          "fallbackShare",
          () ->
              decisions.getCount() == 0
                  ? 0.0
                  : (double) fallbacks.getCount() / decisions.getCount());
      int bytesPerRecipient = new RecipientState().serializedSize();
      group.gauge("recipientStateBytes", () -> recipients.getCount() * bytesPerRecipient);
      deadLetters = group.addGroup("deadLetters");
    }

    void record(TimingDecision d, boolean fallback) {
      decisions.inc();
      if (fallback) {
        fallbacks.inc();
      }
      if (d.status() == DecisionStatus.EXPIRED) {
        expirations.inc();
      }
      confidence.update(Math.round(d.confidenceScore() * 1000));
    }

    void deadLetter(RejectReason reason) {
      byReason.computeIfAbsent(reason, r -> deadLetters.counter(r.wire())).inc();
    }
  }
}
