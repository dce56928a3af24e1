import type { Api } from "../api";
import { ESP_ID_FIELDS } from "../signalTypes";
import type { Binding } from "../types";
import { CheckField, TextField } from "./Field";
import { FormFrame, frameState } from "./FormFrame";
import { useEntityForm } from "./useEntityForm";

const COMMON = ["binding_id", "intent_id", "account_id", "active", "template_id", "notification_id", "channel", "dry_run"];

/** A binding: the edge from an intent to an ESP account, with that ESP's ids. */
export function BindingForm(props: {
  api: Api;
  binding: Binding;
  esp: string;
  isNew: boolean;
  readOnly: boolean;
  savedInitially?: boolean;
  onSaved: (b: Binding | null) => void;
}) {
  const f = useEntityForm<Binding>({
    api: props.api,
    resource: "bindings",
    id: props.isNew ? null : props.binding.binding_id,
    initial: props.binding,
    onSaved: props.onSaved,
    savedInitially: props.savedInitially,
  });
  const v = f.value;
  const e = f.fieldErrors;
  const espFields = ESP_ID_FIELDS[props.esp] ?? [];
  const placed = [...COMMON, ...espFields.map((x) => x.field)];
  type Key = keyof Binding;
  return (
    <FormFrame
      title={
        <>
          {f.isNew ? "New binding" : "Binding"} <code>{v.intent_id}</code> → <code>{v.account_id}</code> ({props.esp})
        </>
      }
      readOnly={props.readOnly}
      {...frameState(f, placed)}
    >
      {f.isNew ? (
        <TextField
          label="Binding id"
          name="binding_id"
          value={v.binding_id}
          onChange={(x) => f.set("binding_id", x ?? "")}
          error={e.binding_id}
        />
      ) : (
        <div className="muted">
          id <code>{v.binding_id}</code>
        </div>
      )}
      {espFields.map((x) => (
        <TextField
          key={x.field}
          label={x.label}
          name={x.field}
          value={v[x.field as Key] as string | null}
          onChange={(val) => f.set(x.field as Key, val as never)}
          error={e[x.field]}
        />
      ))}
      <TextField
        label="Template id"
        name="template_id"
        value={v.template_id}
        onChange={(x) => f.set("template_id", x)}
        error={e.template_id}
      />
      <TextField
        label="Notification id"
        name="notification_id"
        value={v.notification_id}
        onChange={(x) => f.set("notification_id", x)}
        error={e.notification_id}
      />
      <TextField
        label="Channel (empty: the intent's default; a decision goes out on every channel)"
        name="channel"
        value={v.channel}
        onChange={(x) => f.set("channel", x)}
        error={e.channel}
      />
      <CheckField
        label="Active (the binding the dispatch job uses; activating retires the others on its channel)"
        name="active"
        value={v.active ?? true}
        onChange={(x) => f.set("active", x)}
        error={e.active}
      />
      <CheckField
        label="Dry run (record the call, do not send)"
        name="dry_run"
        value={v.dry_run}
        onChange={(x) => f.set("dry_run", x)}
        error={e.dry_run}
      />
    </FormFrame>
  );
}
