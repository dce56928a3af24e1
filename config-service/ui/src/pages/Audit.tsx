import { useCallback, useEffect, useState } from "react";
import type { Api } from "../api";
import type { AuditEntry } from "../types";

const PAGE = 50;

/** The audit trail, newest first, with each change's before and after side by side. */
export function Audit(props: { api: Api }) {
  const { api } = props;
  const [entityType, setEntityType] = useState("");
  const [entityId, setEntityId] = useState("");
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (before?: number) => {
      setError(null);
      try {
        const page = await api.audit({ entity_type: entityType, entity_id: entityId, before, limit: PAGE });
        setItems((old) => (before === undefined ? page : [...old, ...page]));
        setMore(page.length === PAGE);
      } catch (e) {
        setError(String((e as Error).message));
      }
    },
    [api, entityType, entityId],
  );

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="page">
      <div className="toolbar">
        <h1>Audit history</h1>
        <select aria-label="Entity type" value={entityType} onChange={(e) => setEntityType(e.target.value)}>
          <option value="">all types</option>
          <option value="intent">intent</option>
          <option value="signal_mapping">signal mapping</option>
          <option value="binding">binding</option>
          <option value="esp_account">ESP account</option>
          <option value="api_token">API token</option>
        </select>
        <input aria-label="Entity id" placeholder="entity id" value={entityId} onChange={(e) => setEntityId(e.target.value.trim())} />
      </div>
      {error && <div className="banner banner-error">{error}</div>}
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>When (UTC)</th>
            <th>Who</th>
            <th>Action</th>
            <th>Entity</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <AuditRow key={a.audit_id} entry={a} open={open === a.audit_id} toggle={() => setOpen(open === a.audit_id ? null : a.audit_id)} />
          ))}
        </tbody>
      </table>
      {more && (
        <button type="button" onClick={() => void load(items[items.length - 1]?.audit_id)}>
          Older
        </button>
      )}
    </div>
  );
}

function AuditRow(props: { entry: AuditEntry; open: boolean; toggle: () => void }) {
  const a = props.entry;
  return (
    <>
      <tr onClick={props.toggle} className={"clickable" + (props.open ? " selected" : "")} data-testid={"audit-" + a.audit_id}>
        <td>{a.config_version}</td>
        <td>{a.changed_at.replace("T", " ").replace("Z", "")}</td>
        <td>{a.actor}</td>
        <td>{a.action}</td>
        <td>
          {a.entity_type} <code>{a.entity_id}</code>
        </td>
      </tr>
      {props.open && (
        <tr className="audit-detail">
          <td colSpan={5}>
            <Diff before={a.before} after={a.after} />
          </td>
        </tr>
      )}
    </>
  );
}

const HIDDEN = new Set(["version", "created_at", "updated_at", "updated_by"]);

/** Before and after, field by field, changed fields marked. */
function Diff(props: { before: Record<string, unknown> | null; after: Record<string, unknown> | null }) {
  const { before, after } = props;
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((k) => !HIDDEN.has(k));
  const show = (o: Record<string, unknown> | null, k: string) => (o && k in o ? JSON.stringify(o[k]) : "");
  return (
    <table className="diff" data-testid="audit-diff">
      <thead>
        <tr>
          <th>Field</th>
          <th>Before</th>
          <th>After</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => {
          const b = show(before, k);
          const x = show(after, k);
          return (
            <tr key={k} className={b !== x ? "changed" : undefined}>
              <td>{k}</td>
              <td>{before ? b : <span className="muted">(none)</span>}</td>
              <td>{after ? x : <span className="muted">(deleted)</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
