import { useState } from "react";
import { Api, ApiError } from "./api";
import type { Principal } from "./types";

/** Signs in with one of the service's API tokens (the admin token printed on first start, or one an admin created). */
export function SignIn(props: { onSignedIn: (token: string, me: Principal) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const t = token.trim();
      props.onSignedIn(t, await new Api(t).me());
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? "This token is not valid (or was revoked)." : String((e as Error).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="sign-in">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>SendFlowr operator</h1>
        <p className="muted">Sign in with an API token of the config service.</p>
        <label className="field">
          <span className="field-label">API token</span>
          <input
            type="password"
            name="token"
            autoComplete="off"
            placeholder="sfc_…"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy || token.trim() === ""}>
          Sign in
        </button>
      </form>
    </div>
  );
}
