import type { Api } from "../api";
import type { Intent } from "../types";
import { CheckField, NumberField, SelectField, TextField } from "./Field";
import { FormFrame, frameState } from "./FormFrame";
import { useEntityForm } from "./useEntityForm";

const FIELDS = [
  "intent_id",
  "name",
  "description",
  "default_window",
  "max_lateness_seconds",
  "confidence_threshold",
  "fallback_policy",
  "enabled",
];

export function IntentForm(props: {
  api: Api;
  intent: Intent | null;
  readOnly: boolean;
  savedInitially?: boolean;
  onSaved: (i: Intent | null) => void;
}) {
  const f = useEntityForm<Intent>({
    api: props.api,
    resource: "intents",
    id: props.intent?.intent_id ?? null,
    initial: props.intent ?? { intent_id: "", name: "", enabled: true },
    onSaved: props.onSaved,
    savedInitially: props.savedInitially,
  });
  const v = f.value;
  const e = f.fieldErrors;
  return (
    <FormFrame
      title={f.isNew ? "New intent" : <>Intent <code>{v.intent_id}</code></>}
      readOnly={props.readOnly}
      {...frameState(f, FIELDS)}
    >
      {f.isNew && (
        <TextField
          label="Intent id"
          name="intent_id"
          value={v.intent_id}
          onChange={(x) => f.set("intent_id", x ?? "")}
          error={e.intent_id}
          hint="stable and readable, e.g. promo_jan; cannot change later"
        />
      )}
      <TextField label="Name" name="name" value={v.name} onChange={(x) => f.set("name", x ?? "")} error={e.name} />
      <TextField
        label="Description"
        name="description"
        value={v.description}
        onChange={(x) => f.set("description", x)}
        error={e.description}
      />
      <TextField
        label="Default window"
        name="default_window"
        value={v.default_window}
        onChange={(x) => f.set("default_window", x)}
        error={e.default_window}
        hint="ISO-8601 duration, e.g. PT24H (the default)"
      />
      <NumberField
        label="Max lateness (seconds)"
        name="max_lateness_seconds"
        value={v.max_lateness_seconds}
        onChange={(x) => f.set("max_lateness_seconds", x)}
        error={e.max_lateness_seconds}
        step="1"
      />
      <NumberField
        label="Confidence threshold"
        name="confidence_threshold"
        value={v.confidence_threshold}
        onChange={(x) => f.set("confidence_threshold", x)}
        error={e.confidence_threshold}
        hint="0..1; below it the fallback policy decides"
      />
      <SelectField
        label="Fallback policy"
        name="fallback_policy"
        value={v.fallback_policy ?? ""}
        options={[
          { value: "", label: "(default)" },
          { value: "population_prior", label: "population_prior" },
          { value: "hourly_projection", label: "hourly_projection" },
          { value: "window_start", label: "window_start" },
        ]}
        onChange={(x) => f.set("fallback_policy", x === "" ? null : x)}
        error={e.fallback_policy}
      />
      <CheckField label="Enabled" name="enabled" value={v.enabled ?? true} onChange={(x) => f.set("enabled", x)} error={e.enabled} />
    </FormFrame>
  );
}
