import { useState } from "react";
import type { Api } from "../api";
import { NumberField, SelectField, TextField } from "../forms/Field";
import { FormFrame, frameState } from "../forms/FormFrame";
import { useEntityForm } from "../forms/useEntityForm";
import { ESPS } from "../signalTypes";
import type { Config, EspAccount } from "../types";

const FIELDS = [
  "account_id",
  "name",
  "esp",
  "api_base_url",
  "credential",
  "rate_limit_per_second",
  "rate_limit_per_minute",
  "batch_rate_limit_per_second",
  "batch_rate_limit_per_minute",
];

/** ESPs whose batch endpoint has limits of its own (Klaviyo's bulk create jobs). */
const BATCH_LIMIT_ESPS = ["klaviyo"];

/**
 * ESP accounts. A credential is write-only: the API never returns it, so the UI can only say
 * whether one is set and offer to replace it.
 */
export function Accounts(props: { api: Api; config: Config; admin: boolean; reload: () => Promise<void> }) {
  const { api, config, admin, reload } = props;
  const [selected, setSelected] = useState<string | "new" | null>(null);
  // A created account reopens in its own form: this keeps the "Saved." note across that switch.
  const [justSaved, setJustSaved] = useState<string | null>(null);
  const select = (id: string | null) => {
    setSelected(id);
    setJustSaved(null);
  };
  const account = config.accounts.find((a) => a.account_id === selected) ?? null;
  return (
    <div className="page page-split">
      <section>
        <div className="toolbar">
          <h1>ESP accounts</h1>
          <button type="button" disabled={!admin} onClick={() => select("new")}>
            New account
          </button>
          {!admin && <span className="muted">Accounts hold credentials: only admins change them.</span>}
        </div>
        <table className="table" data-testid="accounts-table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Name</th>
              <th>ESP</th>
              <th>API base URL</th>
              <th>Credential</th>
              <th>Rate limits</th>
              <th>Bindings</th>
            </tr>
          </thead>
          <tbody>
            {config.accounts.map((a) => (
              <tr
                key={a.account_id}
                className={selected === a.account_id ? "selected" : undefined}
                onClick={() => select(a.account_id)}
              >
                <td>
                  <code>{a.account_id}</code>
                </td>
                <td>{a.name}</td>
                <td>{a.esp}</td>
                <td>{a.api_base_url ?? <span className="muted">default</span>}</td>
                <td data-testid={"credential-" + a.account_id}>{a.credential_set ? "•••••••• set" : "not set"}</td>
                <td>
                  {a.rate_limit_per_second ?? "–"}/s, {a.rate_limit_per_minute ?? "–"}/min
                  {BATCH_LIMIT_ESPS.includes(a.esp) && (
                    <span className="muted">
                      {" "}
                      (bulk {a.batch_rate_limit_per_second ?? "–"}/s, {a.batch_rate_limit_per_minute ?? "–"}/min)
                    </span>
                  )}
                </td>
                <td>{config.bindings.filter((b) => b.account_id === a.account_id).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <aside className="side-panel">
        {selected === null ? (
          <p className="muted">Select an account to see or edit it.</p>
        ) : (
          <AccountForm
            key={selected}
            api={api}
            account={selected === "new" ? null : account}
            readOnly={!admin}
            justSaved={justSaved === selected}
            onSaved={async (a) => {
              await reload();
              setSelected(a ? a.account_id : null);
              setJustSaved(a ? a.account_id : null);
            }}
          />
        )}
      </aside>
    </div>
  );
}

function AccountForm(props: {
  api: Api;
  account: EspAccount | null;
  readOnly: boolean;
  justSaved: boolean;
  onSaved: (a: EspAccount | null) => void;
}) {
  const f = useEntityForm<EspAccount>({
    api: props.api,
    resource: "esp-accounts",
    id: props.account?.account_id ?? null,
    initial: props.account ?? { account_id: "", name: "", esp: "klaviyo" },
    // The saved account comes back without its key (the API never returns one), so the typed
    // credential leaves the form with the save.
    onSaved: props.onSaved,
    savedInitially: props.justSaved,
  });
  const v = f.value;
  const e = f.fieldErrors;
  return (
    <FormFrame
      title={f.isNew ? "New ESP account" : <>ESP account <code>{v.account_id}</code></>}
      readOnly={props.readOnly}
      readOnlyReason="Read only: ESP accounts need the admin role."
      {...frameState(f, FIELDS)}
    >
      {f.isNew && (
        <TextField
          label="Account id"
          name="account_id"
          value={v.account_id}
          onChange={(x) => f.set("account_id", x ?? "")}
          error={e.account_id}
          hint="the dispatch job's credential reference, e.g. brand-a-klaviyo"
        />
      )}
      <TextField label="Name" name="name" value={v.name} onChange={(x) => f.set("name", x ?? "")} error={e.name} />
      {f.isNew ? (
        <SelectField
          label="ESP"
          name="esp"
          value={v.esp}
          options={ESPS.map((x) => ({ value: x, label: x }))}
          onChange={(x) => {
            f.set("esp", x as EspAccount["esp"]);
            // Hidden fields must not go out: another ESP's account refuses bulk limits.
            if (!BATCH_LIMIT_ESPS.includes(x as string)) {
              f.set("batch_rate_limit_per_second", null);
              f.set("batch_rate_limit_per_minute", null);
            }
          }}
          error={e.esp}
        />
      ) : (
        <div className="muted">ESP {v.esp}</div>
      )}
      <TextField
        label="API base URL"
        name="api_base_url"
        value={v.api_base_url}
        onChange={(x) => f.set("api_base_url", x)}
        error={e.api_base_url}
        type="url"
      />
      <div className="muted" data-testid="credential-state">
        Credential: {v.credential_set ? "•••••••• set (never shown)" : "not set"}
      </div>
      <TextField
        label={f.isNew ? "Credential (API key)" : "Replace credential"}
        name="credential"
        type="password"
        value={v.credential}
        onChange={(x) => f.set("credential", x ?? undefined)}
        error={e.credential}
        hint={f.isNew ? "stored encrypted; write-only" : "leave empty to keep the stored one"}
      />
      <NumberField
        label="Rate limit per second"
        name="rate_limit_per_second"
        value={v.rate_limit_per_second}
        onChange={(x) => f.set("rate_limit_per_second", x)}
        error={e.rate_limit_per_second}
        step="1"
      />
      <NumberField
        label="Rate limit per minute"
        name="rate_limit_per_minute"
        value={v.rate_limit_per_minute}
        onChange={(x) => f.set("rate_limit_per_minute", x)}
        error={e.rate_limit_per_minute}
        step="1"
      />
      {BATCH_LIMIT_ESPS.includes(v.esp) && (
        <>
          <NumberField
            label="Bulk rate limit per second"
            name="batch_rate_limit_per_second"
            value={v.batch_rate_limit_per_second}
            onChange={(x) => f.set("batch_rate_limit_per_second", x)}
            error={e.batch_rate_limit_per_second}
            step="1"
            hint="bulk create jobs; empty for the published 10/s"
          />
          <NumberField
            label="Bulk rate limit per minute"
            name="batch_rate_limit_per_minute"
            value={v.batch_rate_limit_per_minute}
            onChange={(x) => f.set("batch_rate_limit_per_minute", x)}
            error={e.batch_rate_limit_per_minute}
            step="1"
            hint="empty for the published 150/min"
          />
        </>
      )}
    </FormFrame>
  );
}
