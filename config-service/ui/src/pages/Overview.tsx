import { useEffect, useState } from "react";
import { ApiError, type Api } from "../api";
import type { Overview as Counts } from "../types";

const WINDOWS = [1, 6, 24, 168];

/**
 * What an operator checks first when something looks wrong: over the last hours, decisions by
 * intent and status, dispatch outcomes by intent, ESP and state, dead letters by stage and reason.
 */
export function Overview(props: { api: Api }) {
  const { api } = props;
  const [hours, setHours] = useState(24);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    api.overview(hours).then(
      (c) => live && setCounts(c),
      (e) => live && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, hours]);

  return (
    <div className="page">
      <div className="toolbar">
        <h1>Overview</h1>
        <label>
          last{" "}
          <select aria-label="Window" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {WINDOWS.map((h) => (
              <option key={h} value={h}>
                {h === 168 ? "7 days" : `${h} h`}
              </option>
            ))}
          </select>
        </label>
        {counts && <span className="muted">since {counts.since.replace("T", " ").replace(/\.\d+Z$|Z$/, "")} UTC</span>}
      </div>
      {error && <div className="banner banner-error">{error}</div>}
      {counts && (
        <div className="overview">
          <CountTable
            title="Decisions"
            testId="overview-decisions"
            columns={["Intent", "Status"]}
            rows={counts.decisions?.map((r) => ({ keys: [r.intent_id, r.status], count: r.count })) ?? null}
          />
          <CountTable
            title="Sends and outcomes"
            testId="overview-outcomes"
            columns={["Intent", "ESP", "Outcome"]}
            rows={counts.outcomes?.map((r) => ({ keys: [r.intent_id, r.esp || "none", r.state.replace("_", " ")], count: r.count })) ?? null}
          />
          <CountTable
            title="Dead letters"
            testId="overview-dead-letters"
            columns={["Stage", "Reason"]}
            rows={counts.dead_letters?.map((r) => ({ keys: [r.stage, r.reason], count: r.count })) ?? null}
          />
        </div>
      )}
    </div>
  );
}

function CountTable(props: {
  title: string;
  testId: string;
  columns: string[];
  rows: { keys: string[]; count: number }[] | null;
}) {
  return (
    <section className="card">
      <h2>{props.title}</h2>
      {props.rows === null ? (
        <p className="muted">The store keeps no such table.</p>
      ) : props.rows.length === 0 ? (
        <p className="muted" data-testid={props.testId}>
          None in this window.
        </p>
      ) : (
        <table data-testid={props.testId}>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
              <th>Count</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.keys.join("|")}>
                {r.keys.map((k, i) => (
                  <td key={i}>{k}</td>
                ))}
                <td>{r.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
