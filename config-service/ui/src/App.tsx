import { useCallback, useEffect, useMemo, useState } from "react";
import { Api, ApiError, canAdmin, canEdit } from "./api";
import { MappingCanvas } from "./canvas/MappingCanvas";
import { Accounts } from "./pages/Accounts";
import { Audit } from "./pages/Audit";
import { Decisions } from "./pages/Decisions";
import { Overview } from "./pages/Overview";
import { Transfer } from "./pages/Transfer";
import { SignIn } from "./SignIn";
import type { Config, Principal, Status } from "./types";

// The token lives for this browser tab only (sessionStorage), never in a cookie or the URL.
const TOKEN_KEY = "sendflowr.token";

type Page = "canvas" | "accounts" | "audit" | "transfer" | "decisions" | "overview";
const PAGES: { page: Page; label: string }[] = [
  { page: "canvas", label: "Mapping" },
  { page: "accounts", label: "ESP accounts" },
  { page: "audit", label: "Audit" },
  { page: "transfer", label: "Export / import" },
  { page: "decisions", label: "Decisions" },
  { page: "overview", label: "Overview" },
];

function pageFromHash(): Page {
  const p = window.location.hash.replace(/^#\/?/, "");
  return (PAGES.find((x) => x.page === p)?.page ?? "canvas") as Page;
}

export function App() {
  const [session, setSession] = useState<{ token: string; me: Principal } | null>(null);
  const [restoring, setRestoring] = useState(true);
  const [page, setPage] = useState<Page>(pageFromHash());

  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  // A reload of the tab keeps the session if the token still works.
  useEffect(() => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      setRestoring(false);
      return;
    }
    new Api(token)
      .me()
      .then((me) => setSession({ token, me }))
      .catch(() => sessionStorage.removeItem(TOKEN_KEY))
      .finally(() => setRestoring(false));
  }, []);

  if (restoring) return null;
  if (!session) {
    return (
      <SignIn
        onSignedIn={(token, me) => {
          sessionStorage.setItem(TOKEN_KEY, token);
          setSession({ token, me });
        }}
      />
    );
  }
  return (
    <Workspace
      token={session.token}
      me={session.me}
      page={page}
      signOut={() => {
        sessionStorage.removeItem(TOKEN_KEY);
        setSession(null);
      }}
    />
  );
}

function Workspace(props: { token: string; me: Principal; page: Page; signOut: () => void }) {
  const { token, me, page, signOut } = props;
  const api = useMemo(() => new Api(token), [token]);
  const [config, setConfig] = useState<Config | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [c, s] = await Promise.all([api.config(), api.status()]);
      setConfig(c);
      setStatus(s);
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) signOut();
      else setError((e as Error).message);
    }
  }, [api, signOut]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // Publishing is asynchronous (outbox → Kafka): poll until what is stored is on the topic.
  useEffect(() => {
    if (!status || status.published_position >= status.outbox_position) return;
    const t = window.setTimeout(() => void api.status().then(setStatus, () => undefined), 2000);
    return () => window.clearTimeout(t);
  }, [api, status]);

  return (
    <div className="app">
      <header className="top">
        <span className="brand">SendFlowr</span>
        <nav>
          {PAGES.map((p) => (
            <a key={p.page} href={"#/" + p.page} className={p.page === page ? "active" : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        {status && (
          <span className="muted" data-testid="publish-status" title="config version; whether the jobs' topic has it yet">
            config v{status.config_version} ·{" "}
            {status.published_position >= status.outbox_position
              ? "published"
              : `${status.outbox_position - status.published_position} change(s) waiting to publish`}
          </span>
        )}
        <span className="who" data-testid="who">
          {me.name} <span className={"role role-" + me.role}>{me.role}</span>
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      {error && <div className="banner banner-error">{error}</div>}
      {config === null ? (
        <p className="loading">Loading…</p>
      ) : page === "canvas" ? (
        <MappingCanvas api={api} config={config} editable={canEdit(me)} reload={reload} />
      ) : page === "accounts" ? (
        <Accounts api={api} config={config} admin={canAdmin(me)} reload={reload} />
      ) : page === "audit" ? (
        <Audit api={api} />
      ) : page === "decisions" ? (
        <Decisions api={api} />
      ) : page === "overview" ? (
        <Overview api={api} />
      ) : (
        <Transfer api={api} admin={canAdmin(me)} reload={reload} />
      )}
    </div>
  );
}
