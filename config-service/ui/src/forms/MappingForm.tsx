import type { Api } from "../api";
import type { MappingRole, SignalMapping } from "../types";
import { NumberField, SelectField, TextField } from "./Field";
import { FormFrame, frameState } from "./FormFrame";
import { useEntityForm } from "./useEntityForm";

const FIELDS = ["mapping_id", "signal_type", "intent_id", "source", "role", "weight", "decay", "duration", "clears"];

export const ROLE_LABELS: Record<MappingRole, string> = {
  hot_path: "hot path",
  circuit_breaker: "circuit breaker",
  clear: "clears a breaker",
};

/** A signal mapping: the edge from a signal type to an intent (or to every intent, `*`). */
export function MappingForm(props: {
  api: Api;
  mapping: SignalMapping;
  isNew: boolean;
  readOnly: boolean;
  savedInitially?: boolean;
  onSaved: (m: SignalMapping | null) => void;
}) {
  const f = useEntityForm<SignalMapping>({
    api: props.api,
    resource: "signal-mappings",
    id: props.isNew ? null : props.mapping.mapping_id,
    initial: props.mapping,
    onSaved: props.onSaved,
    savedInitially: props.savedInitially,
  });
  const v = f.value;
  const e = f.fieldErrors;
  // Each role has its own parameters; the others would be refused by the API, so they are cleared.
  const setRole = (role: MappingRole) => {
    f.set("role", role);
    if (role !== "hot_path") {
      f.set("weight", null);
      f.set("decay", null);
    }
    if (role === "clear") f.set("duration", null);
    if (role !== "clear") f.set("clears", null);
  };
  return (
    <FormFrame
      title={
        <>
          {f.isNew ? "New signal mapping" : "Signal mapping"} <code>{v.signal_type}</code> →{" "}
          <code>{v.intent_id === "*" || !v.intent_id ? "every intent" : v.intent_id}</code>
        </>
      }
      readOnly={props.readOnly}
      {...frameState(f, FIELDS)}
    >
      {f.isNew ? (
        <TextField
          label="Mapping id"
          name="mapping_id"
          value={v.mapping_id}
          onChange={(x) => f.set("mapping_id", x ?? "")}
          error={e.mapping_id}
        />
      ) : (
        <div className="muted">
          id <code>{v.mapping_id}</code>
        </div>
      )}
      <SelectField
        label="Role"
        name="role"
        value={v.role}
        options={(Object.keys(ROLE_LABELS) as MappingRole[]).map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        onChange={(x) => setRole(x as MappingRole)}
        error={e.role}
      />
      <TextField
        label="Source"
        name="source"
        value={v.source}
        onChange={(x) => f.set("source", x)}
        error={e.source}
        hint="e.g. shopify (stored; the timing job does not filter by it yet)"
      />
      {v.role === "hot_path" && (
        <>
          <NumberField
            label="Weight"
            name="weight"
            value={v.weight}
            onChange={(x) => f.set("weight", x)}
            error={e.weight}
            hint="P × (1 + weight) at the moment of the signal"
          />
          <TextField
            label="Decay"
            name="decay"
            value={v.decay}
            onChange={(x) => f.set("decay", x)}
            error={e.decay}
            hint="ISO-8601 duration, the weight's e-folding time, e.g. PT30M"
          />
        </>
      )}
      {v.role !== "clear" && (
        <TextField
          label="Duration"
          name="duration"
          value={v.duration}
          onChange={(x) => f.set("duration", x)}
          error={e.duration}
          hint={v.role === "circuit_breaker" ? "how long sends stay blocked (default PT48H)" : "hot-path cut-off, e.g. PT6H"}
        />
      )}
      {v.role === "clear" && (
        <TextField
          label="Clears"
          name="clears"
          value={v.clears}
          onChange={(x) => f.set("clears", x)}
          error={e.clears}
          hint="the signal type whose breakers this ends, e.g. ticket_opened"
        />
      )}
    </FormFrame>
  );
}
