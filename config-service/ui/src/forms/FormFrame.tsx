import type { ReactNode } from "react";
import type { EntityForm } from "./useEntityForm";

/**
 * What every entity form shares: title, the read-only note, the API's message (field errors that
 * match no control of the form show here too), the version conflict with its reload, and the
 * save/delete buttons.
 */
export function FormFrame(props: {
  title: ReactNode;
  readOnly: boolean;
  readOnlyReason?: string;
  error: string | null;
  unplacedErrors: [string, string][];
  conflict: number | null;
  busy: boolean;
  saved: boolean;
  isNew: boolean;
  version?: number;
  onSave: () => void;
  onDelete?: () => void;
  onReload: () => void;
  children: ReactNode;
}) {
  const p = props;
  return (
    <form
      className="entity-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!p.readOnly) p.onSave();
      }}
    >
      <h2>{p.title}</h2>
      {!p.isNew && p.version !== undefined && <div className="muted">version {p.version}</div>}
      {p.readOnly && (
        <div className="note" data-testid="read-only-note">
          {p.readOnlyReason ?? "Read only: your token cannot change this."}
        </div>
      )}
      {p.conflict !== null && (
        <div className="banner banner-conflict" role="alert" data-testid="version-conflict">
          <p>
            Someone else changed this since you opened it (it is now at version {p.conflict}). Your edit was not saved.
          </p>
          <button type="button" onClick={p.onReload} disabled={p.busy}>
            Reload the current version
          </button>
        </div>
      )}
      {p.error && p.conflict === null && (
        <div className="banner banner-error" role="alert" data-testid="form-error">
          {p.error}
          {p.unplacedErrors.length > 0 && (
            <ul>
              {p.unplacedErrors.map(([f, m]) => (
                <li key={f}>
                  <code>{f || "(body)"}</code>: {m}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {p.saved && !p.error && (
        <div className="banner banner-ok" data-testid="saved">
          Saved.
        </div>
      )}
      <fieldset disabled={p.readOnly || p.busy}>{p.children}</fieldset>
      <div className="form-actions">
        <button type="submit" disabled={p.readOnly || p.busy}>
          {p.isNew ? "Create" : "Save"}
        </button>
        {!p.isNew && p.onDelete && (
          <button
            type="button"
            className="danger"
            disabled={p.readOnly || p.busy}
            onClick={() => {
              if (window.confirm("Delete this? The change is published to the jobs.")) p.onDelete!();
            }}
          >
            Delete
          </button>
        )}
      </div>
    </form>
  );
}

/** Field errors whose field is not one of `placed` (shown in the form's banner instead). */
export function unplaced(errors: Record<string, string>, placed: string[]): [string, string][] {
  return Object.entries(errors).filter(([f]) => !placed.includes(f));
}

/**
 * The frame's props that come straight from an entity form's state: spread them into the frame,
 * beside its title and read-only flag.
 */
export function frameState<T extends { version?: number }>(f: EntityForm<T>, placed: string[]) {
  return {
    error: f.error,
    unplacedErrors: unplaced(f.fieldErrors, placed),
    conflict: f.conflict,
    busy: f.busy,
    saved: f.saved,
    isNew: f.isNew,
    version: f.value.version,
    onSave: f.save,
    onDelete: f.remove,
    onReload: f.reload,
  };
}
