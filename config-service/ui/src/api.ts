// A small typed client of the config service's public API (/api/v1, see its openapi.json). The UI
// saves nothing any other way: every rule (roles, validation, versions) is the API's.
import type { AuditEntry, Binding, Config, ConfigExport, Decision, DecisionSummary, EspAccount, FieldError, Intent, Overview, Principal, SignalMapping, Status } from "./types";

const BASE = "/api/v1";

/** A refusal by the API, with its stable code and, for invalid input, the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly currentVersion: number | null = null,
  ) {
    super(message);
  }

  get isVersionConflict(): boolean {
    return this.code === "version_conflict";
  }
}

export type Resource = "intents" | "signal-mappings" | "esp-accounts" | "bindings";

export class Api {
  constructor(private readonly token: string) {}

  private async request<T>(method: string, path: string, body?: unknown, version?: number): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    // The version the edit is based on: a stale one gets 409 instead of overwriting someone else.
    if (version !== undefined) headers["If-Match"] = `"${version}"`;
    let res: Response;
    try {
      res = await fetch(BASE + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network", "the config service cannot be reached");
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: reported below */
    }
    if (!res.ok) {
      throw new ApiError(
        res.status,
        json?.error ?? "http_" + res.status,
        json?.message ?? `the service answered ${res.status}`,
        json?.fields ?? [],
        json?.current_version ?? null,
      );
    }
    return json as T;
  }

  me = () => this.request<Principal>("GET", "/me");
  status = () => this.request<Status>("GET", "/status");

  private async list<T>(resource: Resource): Promise<T[]> {
    return (await this.request<{ items: T[] }>("GET", "/" + resource)).items;
  }

  intents = () => this.list<Intent>("intents");
  mappings = () => this.list<SignalMapping>("signal-mappings");
  accounts = () => this.list<EspAccount>("esp-accounts");
  bindings = () => this.list<Binding>("bindings");

  async config(): Promise<Config> {
    const [intents, mappings, accounts, bindings] = await Promise.all([
      this.intents(),
      this.mappings(),
      this.accounts(),
      this.bindings(),
    ]);
    return { intents, mappings, accounts, bindings };
  }

  get<T>(resource: Resource, id: string): Promise<T> {
    return this.request<T>("GET", `/${resource}/${encodeURIComponent(id)}`);
  }

  create<T>(resource: Resource, entity: T): Promise<T> {
    return this.request<T>("POST", "/" + resource, stripServerFields(entity));
  }

  update<T extends { version?: number }>(resource: Resource, id: string, entity: T): Promise<T> {
    return this.request<T>(
      "PUT",
      `/${resource}/${encodeURIComponent(id)}`,
      stripServerFields(entity),
      entity.version,
    );
  }

  remove(resource: Resource, id: string, version: number | undefined): Promise<void> {
    return this.request<void>("DELETE", `/${resource}/${encodeURIComponent(id)}`, undefined, version);
  }

  audit(params: { entity_type?: string; entity_id?: string; before?: number; limit?: number }) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
    return this.request<{ items: AuditEntry[] }>("GET", "/audit?" + q.toString()).then((p) => p.items);
  }

  decisions = (universalId: string) =>
    this.request<{ items: DecisionSummary[] }>("GET", "/decisions?universal_id=" + encodeURIComponent(universalId)).then(
      (p) => p.items,
    );
  decision = (id: string) => this.request<Decision>("GET", "/decisions/" + encodeURIComponent(id));

  overview = (hours: number) => this.request<Overview>("GET", "/overview?hours=" + hours);

  exportConfig = () => this.request<ConfigExport>("GET", "/export");
  importConfig = (file: ConfigExport) => this.request<unknown>("POST", "/import", file);
}

/**
 * The API refuses unknown fields and ignores server-set ones; sending only what a client may set
 * keeps the request honest. `version` goes as If-Match instead.
 */
function stripServerFields<T>(entity: T): T {
  const copy: Record<string, unknown> = { ...(entity as Record<string, unknown>) };
  for (const k of ["version", "created_at", "updated_at", "updated_by", "credential_set"]) {
    delete copy[k];
  }
  return copy as T;
}

export const canEdit = (p: Principal | null) => p?.role === "editor" || p?.role === "admin";
export const canAdmin = (p: Principal | null) => p?.role === "admin";
