import type { ReactNode } from "react";

/** A labelled control with the API's message for this field beneath it. */
export function Field(props: { label: string; name: string; error?: string; hint?: string; children: ReactNode }) {
  const { label, name, error, hint, children } = props;
  return (
    <label className={"field" + (error ? " field-invalid" : "")} data-field={name}>
      <span className="field-label">{label}</span>
      {children}
      {hint && !error && <span className="field-hint">{hint}</span>}
      {error && (
        <span className="field-error" role="alert" data-field-error={name}>
          {error}
        </span>
      )}
    </label>
  );
}

type Str = string | null | undefined;

export function TextField(props: {
  label: string;
  name: string;
  value: Str;
  onChange: (v: string | null) => void;
  error?: string;
  hint?: string;
  disabled?: boolean;
  placeholder?: string;
  type?: "text" | "password" | "url";
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={props.hint}>
      <input
        type={props.type ?? "text"}
        name={props.name}
        value={props.value ?? ""}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        // An empty box means "not set": the API fills in its defaults.
        onChange={(e) => props.onChange(e.target.value === "" ? null : e.target.value)}
      />
    </Field>
  );
}

export function NumberField(props: {
  label: string;
  name: string;
  value: number | null | undefined;
  onChange: (v: number | null) => void;
  error?: string;
  hint?: string;
  disabled?: boolean;
  step?: string;
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={props.hint}>
      <input
        type="number"
        name={props.name}
        step={props.step ?? "any"}
        value={props.value ?? ""}
        disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange(e.target.value === "" ? null : Number(e.target.value))}
      />
    </Field>
  );
}

export function CheckField(props: {
  label: string;
  name: string;
  value: boolean | null | undefined;
  onChange: (v: boolean) => void;
  error?: string;
  disabled?: boolean;
}) {
  return (
    <label className="field field-check" data-field={props.name}>
      <input
        type="checkbox"
        name={props.name}
        checked={!!props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span className="field-label">{props.label}</span>
      {props.error && (
        <span className="field-error" role="alert" data-field-error={props.name}>
          {props.error}
        </span>
      )}
    </label>
  );
}

export function SelectField(props: {
  label: string;
  name: string;
  value: string | null | undefined;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
  error?: string;
  disabled?: boolean;
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error}>
      <select
        name={props.name}
        value={props.value ?? ""}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
