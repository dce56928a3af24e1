import { useState } from "react";
import { ApiError, type Api } from "../api";
import type { Decision, DecisionSummary, ScoredMinute } from "../types";

const WEEK = 10080;
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** "Tue 09:30" for a minute of the week (slot 0 = Monday 00:00 UTC). */
export function minuteLabel(m: number): string {
  const day = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = Math.floor(m % 60);
  return `${DAYS[day] ?? "?"} ${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")} UTC`;
}

/**
 * The decision explorer: a recipient's decisions from the timing job's explanation store, and for
 * one of them why it chose its minute (candidates, confidence, latency, applied weights).
 */
export function Decisions(props: { api: Api }) {
  const { api } = props;
  const [uid, setUid] = useState("");
  const [items, setItems] = useState<DecisionSummary[] | null>(null);
  const [detail, setDetail] = useState<Decision | null>(null);
  const [error, setError] = useState<string | null>(null);

  // One box for a recipient's universal id, a decision id or an explanation reference: a
  // recipient's decisions if there are any, else the one decision the text names.
  const search = async () => {
    setError(null);
    setDetail(null);
    const text = uid.trim();
    try {
      const found = await api.decisions(text);
      setItems(found);
      if (found.length === 0) {
        try {
          setDetail(await api.decision(text));
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
        }
      }
    } catch (e) {
      setItems(null);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const open = async (id: string) => {
    try {
      setDetail(await api.decision(id));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div className="page">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <h1>Decisions</h1>
        <input aria-label="Universal id" placeholder="universal id, decision id or explanation ref" value={uid} onChange={(e) => setUid(e.target.value)} />
        <button type="submit" disabled={uid.trim() === ""}>
          Show decisions
        </button>
      </form>
      {error && (
        <div className="banner banner-error" role="alert" data-testid="decisions-error">
          {error}
        </div>
      )}
      {items && items.length === 0 && <p className="muted">No decisions stored for this recipient.</p>}
      {items && items.length > 0 && (
        <table className="table" data-testid="decisions-table">
          <thead>
            <tr>
              <th>Decided (UTC)</th>
              <th>Intent</th>
              <th>Status</th>
              <th>Target minute</th>
              <th>Trigger (UTC)</th>
              <th>Latency</th>
              <th>Confidence</th>
              <th>Decision</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr
                key={d.decision_id}
                className={detail?.decision_id === d.decision_id ? "selected" : undefined}
                onClick={() => void open(d.decision_id)}
              >
                <td>{utc(d.created_at)}</td>
                <td>{d.intent_id}</td>
                <td>{d.suppressed ? "suppressed" : d.status}</td>
                <td>{minuteLabel(d.target_minute_utc)}</td>
                <td>{utc(d.trigger_timestamp_utc)}</td>
                <td>
                  {d.latency_estimate_seconds.toFixed(0)} s ({d.latency_source})
                </td>
                <td>{d.confidence_score.toFixed(2)}</td>
                <td>
                  <code>{d.decision_id}</code> v{d.decision_version}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail && <DecisionDetail d={detail} />}
    </div>
  );
}

function utc(iso: string): string {
  return iso.replace("T", " ").replace(/(\.\d+)?Z$/, "");
}

function DecisionDetail({ d }: { d: Decision }) {
  const e = d.explanation ?? {};
  const c = e.confidence ?? {};
  return (
    <section className="decision-detail" data-testid="decision-detail">
      <h2>
        Decision <code>{d.decision_id}</code> (version {d.decision_version}) for <code>{d.universal_id}</code>
      </h2>
      <WeekChart e={e} target={d.target_minute_utc} />
      <p className="muted">
        Blue line: the recipient's curve the decision scored, by hour (lift over a flat week, on its own scale);
        orange: the chosen minute; grey: the runners-up (bar height is the score); dashed: the curve's peak.
      </p>
      <div className="detail-grid">
        <dl className="facts">
          <dt>Policy</dt>
          <dd>
            {e.policy ?? "?"} <span className="muted">{e.policy_reason}</span>
          </dd>
          <dt>Chosen minute</dt>
          <dd data-testid="chosen-minute">{minuteLabel(d.target_minute_utc)}</dd>
          <dt>Confidence</dt>
          <dd data-testid="confidence">
            {d.confidence_score.toFixed(2)}
            {c.threshold !== undefined && <> (threshold {c.threshold})</>}
            {c.evidence !== undefined && (
              <span className="muted">
                {" "}
                evidence {c.evidence}, sharpness {c.sharpness}, peak lift {c.peak_lift}
              </span>
            )}
          </dd>
          <dt>Latency offset</dt>
          <dd data-testid="latency">
            {d.latency_estimate_seconds.toFixed(0)} s, {d.latency_source}
            {e.latency?.detail && <span className="muted"> ({e.latency.detail})</span>}
          </dd>
          <dt>Suppressed</dt>
          <dd>{d.suppressed ? `yes${e.suppression?.suppressed_until ? " until " + utc(e.suppression.suppressed_until) : ""}` : "no"}</dd>
          <dt>Model</dt>
          <dd>{d.model_version}</dd>
          <dt>Explanation ref</dt>
          <dd>
            <code>{d.explanation_ref}</code>
          </dd>
        </dl>
        <div>
          <h3>Timeline</h3>
          <ol className="timeline" data-testid="timeline">
            <li>
              {utc(d.created_at)}: decided (request <code>{d.request_id}</code>)
            </li>
            <li>
              {utc(d.trigger_timestamp_utc)}: trigger, the target minus {d.latency_estimate_seconds.toFixed(0)} s of ESP
              latency{e.latency?.trigger_clamped_to_now ? " (clamped to now)" : ""}
            </li>
            {e.chosen && <li>{utc(e.chosen.instant)}: target minute</li>}
          </ol>
          <h3>Dispatch</h3>
          {d.dispatch === null ? (
            <p className="muted">The store keeps no dispatch log.</p>
          ) : d.dispatch.length === 0 ? (
            <p className="muted" data-testid="dispatch">
              Not fired yet.
            </p>
          ) : (
            <ol className="timeline" data-testid="dispatch">
              {d.dispatch.map((o) => (
                <li key={o.outcome_id}>
                  {utc(o.fired_at)}: <strong>{o.state.replace("_", " ")}</strong> at {o.esp || "no ESP"}
                  {o.binding_id && (
                    <>
                      {" "}
                      (binding <code>{o.binding_id}</code>)
                    </>
                  )}
                  , version {o.decision_version}, {(o.lateness_millis / 1000).toFixed(1)} s after its trigger
                  {o.esp_status !== null && <>, HTTP {o.esp_status}</>}
                  {o.attempts > 1 && <>, {o.attempts} attempts</>}
                  {o.detail && <span className="muted"> ({o.detail})</span>}
                </li>
              ))}
            </ol>
          )}
          <h3>Applied weights</h3>
          {(e.applied_weights ?? []).length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ul className="plain">
              {(e.applied_weights ?? []).map((w, i) => (
                <li key={i}>
                  {w.signal} ({w.role}) ×{w.weight}, {utc(w.from)} → {utc(w.until)}
                </li>
              ))}
            </ul>
          )}
          <h3>Suppression windows</h3>
          {(e.suppression?.breakers_in_window ?? []).length === 0 ? (
            <p className="muted">none in the request's window</p>
          ) : (
            <ul className="plain" data-testid="suppression-windows">
              {(e.suppression?.breakers_in_window ?? []).map((w, i) => (
                <li key={i}>
                  {w.signal}: no send from {utc(w.from)} to {utc(w.until)}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

/**
 * Candidate minutes as bars by score, the chosen one highlighted, the base curve's peak dashed:
 * over the whole week (Monday to Sunday), and zoomed to the hours around the candidates.
 */
function WeekChart({ e, target }: { e: Decision["explanation"] & object; target: number }) {
  const candidates: (ScoredMinute & { kind: string })[] = [
    ...(e.runners_up ?? []).map((r) => ({ ...r, kind: "runner-up" })),
    ...(e.chosen ? [{ ...e.chosen, kind: "chosen" }] : []),
  ];
  const minutes = [target, ...candidates.map((c) => c.minute_of_week)];
  if (e.base_curve_peak_minute !== undefined) minutes.push(e.base_curve_peak_minute);
  const lo = Math.max(0, Math.floor((Math.min(...minutes) - 90) / 60) * 60);
  const hi = Math.min(WEEK, Math.ceil((Math.max(...minutes) + 90) / 60) * 60);
  const hourStep = Math.max(1, Math.ceil((hi - lo) / 60 / 12));
  const hours: number[] = [];
  for (let m = lo; m <= hi; m += 60 * hourStep) hours.push(m);
  return (
    <>
      <MinuteChart
        from={0}
        to={WEEK}
        ticks={DAYS.map((d, i) => ({ at: i * 1440, label: d, labelAt: i * 1440 + 720 }))}
        e={e}
        candidates={candidates}
        target={target}
        testId="week-chart"
        label="candidate minutes over the week"
      />
      <MinuteChart
        from={lo}
        to={hi}
        ticks={hours.map((m) => ({ at: m, label: minuteLabel(m).replace(" UTC", ""), labelAt: m }))}
        e={e}
        candidates={candidates}
        target={target}
        testId="zoom-chart"
        label="candidate minutes, zoomed"
      />
    </>
  );
}

function MinuteChart(props: {
  from: number;
  to: number;
  ticks: { at: number; label: string; labelAt: number }[];
  e: Decision["explanation"] & object;
  candidates: (ScoredMinute & { kind: string })[];
  target: number;
  testId: string;
  label: string;
}) {
  const { from, to, ticks, e, candidates, target } = props;
  const W = 1000;
  const H = 150;
  const top = 12;
  const base = H - 24;
  const x = (m: number) => ((m - from) / (to - from)) * W;
  const max = Math.max(1e-9, ...candidates.map((c) => c.score));
  const h = (s: number) => ((base - top) * s) / max;
  // The scored curve, one point per hour (mid-hour) within the chart's range, on its own scale.
  const curve = (e.weekly_curve ?? [])
    .map((lift, hour) => ({ m: hour * 60 + 30, lift }))
    .filter((p) => p.m >= from && p.m <= to);
  const curveMax = Math.max(1e-9, ...curve.map((p) => p.lift));
  const curveY = (lift: number) => ((base - top) * lift) / curveMax;
  return (
    <svg className="week-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label} data-testid={props.testId}>
      {ticks.map((t) => (
        <g key={t.at}>
          <line x1={x(t.at)} x2={x(t.at)} y1={top} y2={base} className="day-line" />
          <text x={Math.min(W - 30, Math.max(30, x(t.labelAt)))} y={H - 6} textAnchor="middle" className="axis-label">
            {t.label}
          </text>
        </g>
      ))}
      <line x1={0} x2={W} y1={base} y2={base} className="axis" />
      {curve.length > 0 && (
        <polyline points={curve.map((p) => `${x(p.m).toFixed(1)},${(base - curveY(p.lift)).toFixed(1)}`).join(" ")} className="curve-line" data-testid="curve">
          <title>the scored curve by hour: lift over a flat week</title>
        </polyline>
      )}
      {e.base_curve_peak_minute !== undefined && (
        <line x1={x(e.base_curve_peak_minute)} x2={x(e.base_curve_peak_minute)} y1={top} y2={base} className="peak-line">
          <title>base curve peak {minuteLabel(e.base_curve_peak_minute)}</title>
        </line>
      )}
      {candidates.map((c, i) => (
        <rect
          key={i}
          x={x(c.minute_of_week) - 3}
          width={6}
          y={base - h(c.score)}
          height={h(c.score)}
          className={c.kind === "chosen" ? "bar-chosen" : "bar-runner"}
          data-kind={c.kind}
        >
          <title>
            {c.kind} {minuteLabel(c.minute_of_week)}: score {c.score.toFixed(3)}
          </title>
        </rect>
      ))}
      {candidates.length === 0 && (
        <line x1={x(target)} x2={x(target)} y1={top} y2={base} className="bar-chosen-line">
          <title>target {minuteLabel(target)}</title>
        </line>
      )}
    </svg>
  );
}
