import { Api } from "../api";
import { BindingForm } from "../forms/BindingForm";
import { IntentForm } from "../forms/IntentForm";
import { MappingForm, ROLE_LABELS } from "../forms/MappingForm";
import type { Config } from "../types";
import { EVERY_INTENT } from "./graph";

export type Selection =
  | { kind: "intent"; id: string; saved?: boolean }
  | { kind: "new-intent" }
  | { kind: "mapping"; id: string; saved?: boolean }
  | { kind: "new-mapping"; signal: string; intent: string }
  | { kind: "binding"; id: string; saved?: boolean }
  | { kind: "new-binding"; intent: string; account: string }
  | { kind: "account"; id: string }
  | { kind: "signal"; type: string };

/** Edits the selected element; each form is keyed by its entity so a new selection starts fresh. */
export function SidePanel(props: {
  api: Api;
  config: Config;
  editable: boolean;
  selection: Selection | null;
  select: (s: Selection | null) => void;
  reload: () => Promise<void>;
}) {
  const { api, config, editable, selection: s, select, reload } = props;
  const readOnly = !editable;
  // After a save the canvas reloads the config; the panel keeps showing the saved entity.
  const after = (next: Selection | null) => async () => {
    await reload();
    select(next);
  };

  if (!s) {
    return (
      <div className="panel-empty">
        <h2>Mapping</h2>
        <p>Select an intent, a mapping, a binding or an account to see and edit it.</p>
        <p className="muted">
          {config.intents.length} intents · {config.mappings.length} signal mappings · {config.bindings.length} bindings ·{" "}
          {config.accounts.length} ESP accounts
        </p>
      </div>
    );
  }
  switch (s.kind) {
    case "new-intent":
      return (
        <IntentForm
          key="new-intent"
          api={api}
          intent={null}
          readOnly={readOnly}
          onSaved={(i) => void after(i ? { kind: "intent", id: i.intent_id, saved: true } : null)()}
        />
      );
    case "intent": {
      const intent = config.intents.find((i) => i.intent_id === s.id);
      if (!intent) return <p>Intent {s.id} no longer exists.</p>;
      return (
        <IntentForm
          key={"intent:" + s.id}
          savedInitially={s.saved}
          api={api}
          intent={intent}
          readOnly={readOnly}
          onSaved={(i) => void after(i ? { kind: "intent", id: i.intent_id, saved: true } : null)()}
        />
      );
    }
    case "new-mapping":
      return (
        <MappingForm
          key={`new-mapping:${s.signal}:${s.intent}`}
          api={api}
          isNew
          readOnly={readOnly}
          mapping={{
            mapping_id: uniqueId(
              `${s.signal}.${s.intent === EVERY_INTENT ? "all" : s.intent}`,
              config.mappings.map((m) => m.mapping_id),
            ),
            signal_type: s.signal,
            intent_id: s.intent,
            role: s.signal.startsWith("ticket_opened") || ["complaint", "unsubscribed", "hard_bounce"].includes(s.signal)
              ? "circuit_breaker"
              : "hot_path",
          }}
          onSaved={(m) => void after(m ? { kind: "mapping", id: m.mapping_id, saved: true } : null)()}
        />
      );
    case "mapping": {
      const m = config.mappings.find((x) => x.mapping_id === s.id);
      if (!m) return <p>Mapping {s.id} no longer exists.</p>;
      return (
        <MappingForm
          key={"mapping:" + s.id}
          savedInitially={s.saved}
          api={api}
          isNew={false}
          readOnly={readOnly}
          mapping={m}
          onSaved={(x) => void after(x ? { kind: "mapping", id: x.mapping_id, saved: true } : null)()}
        />
      );
    }
    case "new-binding": {
      const account = config.accounts.find((a) => a.account_id === s.account);
      if (!account) return <p>Account {s.account} no longer exists.</p>;
      return (
        <BindingForm
          key={`new-binding:${s.intent}:${s.account}`}
          api={api}
          isNew
          readOnly={readOnly}
          esp={account.esp}
          binding={{
            binding_id: uniqueId(`${s.intent}-${s.account}`, config.bindings.map((b) => b.binding_id)),
            intent_id: s.intent,
            account_id: s.account,
            active: true,
            dry_run: false,
          }}
          onSaved={(b) => void after(b ? { kind: "binding", id: b.binding_id, saved: true } : null)()}
        />
      );
    }
    case "binding": {
      const b = config.bindings.find((x) => x.binding_id === s.id);
      if (!b) return <p>Binding {s.id} no longer exists.</p>;
      const esp = b.esp ?? config.accounts.find((a) => a.account_id === b.account_id)?.esp ?? "";
      return (
        <BindingForm
          key={"binding:" + s.id}
          savedInitially={s.saved}
          api={api}
          isNew={false}
          readOnly={readOnly}
          esp={esp}
          binding={b}
          onSaved={(x) => void after(x ? { kind: "binding", id: x.binding_id, saved: true } : null)()}
        />
      );
    }
    case "account": {
      const a = config.accounts.find((x) => x.account_id === s.id);
      if (!a) return <p>Account {s.id} no longer exists.</p>;
      const bound = config.bindings.filter((b) => b.account_id === a.account_id);
      return (
        <div>
          <h2>
            ESP account <code>{a.account_id}</code>
          </h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{a.name}</dd>
            <dt>ESP</dt>
            <dd>{a.esp}</dd>
            <dt>Credential</dt>
            <dd>{a.credential_set ? "•••••••• (set)" : "not set"}</dd>
            <dt>Bound intents</dt>
            <dd>{bound.map((b) => b.intent_id).join(", ") || "none"}</dd>
          </dl>
          <p>
            <a href="#/accounts">Edit accounts and credentials</a>
          </p>
        </div>
      );
    }
    case "signal": {
      const ms = config.mappings.filter((m) => m.signal_type === s.type);
      return (
        <div>
          <h2>
            Signal <code>{s.type}</code>
          </h2>
          {ms.length === 0 ? (
            <p>No mapping yet. Drag from this signal to an intent to create one.</p>
          ) : (
            <ul className="plain">
              {ms.map((m) => (
                <li key={m.mapping_id}>
                  <button type="button" className="link" onClick={() => select({ kind: "mapping", id: m.mapping_id })}>
                    {ROLE_LABELS[m.role]} → {m.intent_id === EVERY_INTENT ? "every intent" : m.intent_id}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      );
    }
  }
}

/** A readable id not yet taken, e.g. site_visit.promo_jan, then site_visit.promo_jan-2. */
function uniqueId(base: string, taken: string[]): string {
  const clean = base.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 120);
  if (!taken.includes(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.includes(`${clean}-${i}`)) return `${clean}-${i}`;
}
