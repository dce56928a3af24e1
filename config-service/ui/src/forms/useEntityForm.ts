import { useCallback, useState } from "react";
import { Api, ApiError, type Resource } from "../api";

/**
 * One entity's edit state: the draft, the API's field errors, and a version conflict when the
 * entity changed since it was read. Creating (id null) and updating go through the same form.
 */
export function useEntityForm<T extends { version?: number }>(opts: {
  api: Api;
  resource: Resource;
  id: string | null;
  initial: T;
  onSaved: (saved: T | null) => void;
  /** The form reopens an entity just saved (a create moves to the entity's own form). */
  savedInitially?: boolean;
}) {
  const { api, resource, id, onSaved } = opts;
  const [value, setValue] = useState<T>(opts.initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(!!opts.savedInitially);

  const set = useCallback(<K extends keyof T>(key: K, v: T[K]) => {
    setValue((old) => ({ ...old, [key]: v }));
    setSaved(false);
  }, []);

  const fail = (e: unknown) => {
    if (e instanceof ApiError) {
      if (e.isVersionConflict) {
        setConflict(e.currentVersion);
        setError(e.message);
      } else if (e.code === "validation_failed" && e.fields.length > 0) {
        const byField: Record<string, string> = {};
        for (const f of e.fields) byField[f.field] = byField[f.field] ? `${byField[f.field]}; ${f.message}` : f.message;
        setFieldErrors(byField);
        setError(e.message);
      } else {
        setError(e.message);
      }
    } else {
      setError(String(e));
    }
  };

  const run = async (action: () => Promise<T | null>) => {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setSaved(false);
    try {
      const out = await action();
      setConflict(null);
      if (out) setValue(out);
      setSaved(true);
      onSaved(out);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    run(() => (id === null ? api.create<T>(resource, value) : api.update<T>(resource, id, value)));

  const remove = () =>
    run(async () => {
      await api.remove(resource, id!, value.version);
      return null;
    });

  /** After a conflict: take the stored entity, dropping this draft (the operator re-applies it). */
  const reload = async () => {
    if (id === null) return;
    setBusy(true);
    try {
      setValue(await api.get<T>(resource, id));
      setConflict(null);
      setError(null);
      setFieldErrors({});
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return { value, set, fieldErrors, error, conflict, busy, saved, save, remove, reload, isNew: id === null };
}

export type EntityForm<T extends { version?: number }> = ReturnType<typeof useEntityForm<T>>;
