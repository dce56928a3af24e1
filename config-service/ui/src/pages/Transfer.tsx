import { useState } from "react";
import { ApiError, type Api } from "../api";
import type { ConfigExport } from "../types";

/** Export the whole config as one reviewable file; import such a file in one change (admin). */
export function Transfer(props: { api: Api; admin: boolean; reload: () => Promise<void> }) {
  const { api, admin, reload } = props;
  const [text, setText] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ field: string; message: string }[]>([]);
  const [busy, setBusy] = useState(false);

  const exportFile = async () => {
    const file = await api.exportConfig();
    // The download is built in the page: the API needs the bearer token, which a plain link lacks.
    const blob = new Blob([JSON.stringify(file, null, 2)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `sendflowr-config-v${file.config_version}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
    setText(JSON.stringify(file, null, 2));
    setMessage(`Exported config version ${file.config_version} (credentials are never part of it).`);
  };

  const importFile = async () => {
    setBusy(true);
    setErrors([]);
    setMessage(null);
    try {
      let parsed: ConfigExport;
      try {
        parsed = JSON.parse(text);
      } catch {
        setMessage("The text is not valid JSON.");
        return;
      }
      await api.importConfig(parsed);
      await reload();
      setMessage("Imported: every entity in the file was created or replaced in one change.");
    } catch (e) {
      if (e instanceof ApiError) {
        setMessage(e.message);
        setErrors(e.fields);
      } else setMessage(String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <h1>Export and import</h1>
      <p>
        The export is the whole config (intents, signal mappings, ESP accounts without credentials, bindings) as one
        file to review or keep in version control. Importing a file creates or replaces every entity in it in one
        change; entities not in the file are left alone, and accounts keep their stored credentials.
      </p>
      <div className="toolbar">
        <button type="button" onClick={() => void exportFile()}>
          Export
        </button>
        <label className="file-button">
          Load file…
          <input
            type="file"
            accept="application/json,.json"
            disabled={!admin}
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) setText(await f.text());
            }}
          />
        </label>
        <button type="button" disabled={!admin || busy || text.trim() === ""} onClick={() => void importFile()}>
          Import
        </button>
        {!admin && <span className="muted">Importing needs the admin role.</span>}
      </div>
      {message && (
        <div className={"banner " + (errors.length ? "banner-error" : "banner-ok")} role="status" data-testid="transfer-message">
          {message}
          {errors.length > 0 && (
            <ul>
              {errors.map((x) => (
                <li key={x.field + x.message}>
                  <code>{x.field}</code>: {x.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <textarea
        aria-label="Config file"
        className="config-text"
        value={text}
        readOnly={!admin}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
      />
    </div>
  );
}
