// The API's entities as the service sends them (config-service Entities.java, openapi.json).
// snake_case like the wire: the UI shows and sends the same names the API documents.

export type Role = "viewer" | "editor" | "admin";

export interface Principal {
  token_id: string;
  name: string;
  role: Role;
}

/** Server-set on every entity; `version` is also what an update must name. */
interface Versioned {
  version?: number;
  created_at?: string;
  updated_at?: string;
  updated_by?: string;
}

export interface Intent extends Versioned {
  intent_id: string;
  name: string;
  description?: string | null;
  default_window?: string | null;
  max_lateness_seconds?: number | null;
  confidence_threshold?: number | null;
  fallback_policy?: string | null;
  enabled?: boolean | null;
}

export type MappingRole = "hot_path" | "circuit_breaker" | "clear";

export interface SignalMapping extends Versioned {
  mapping_id: string;
  signal_type: string;
  source?: string | null;
  /** An intent id, or "*" for every intent. */
  intent_id?: string | null;
  role: MappingRole;
  weight?: number | null;
  decay?: string | null;
  duration?: string | null;
  clears?: string | null;
}

export type Esp = "klaviyo" | "braze" | "iterable" | "customerio" | "sendgrid" | "webhook";

export interface EspAccount extends Versioned {
  account_id: string;
  name: string;
  esp: Esp;
  api_base_url?: string | null;
  /** Write-only: sent to set or replace the key, never returned. */
  credential?: string;
  credential_set?: boolean;
  rate_limit_per_second?: number | null;
  rate_limit_per_minute?: number | null;
  /** Limits of the ESP's batch endpoint (Klaviyo bulk create jobs); null for the published ones. */
  batch_rate_limit_per_second?: number | null;
  batch_rate_limit_per_minute?: number | null;
}

export interface Binding extends Versioned {
  binding_id: string;
  intent_id: string;
  account_id: string;
  /** Read-only: the account's ESP. */
  esp?: Esp;
  active?: boolean | null;
  metric_name?: string | null;
  campaign_id?: string | null;
  canvas_id?: string | null;
  workflow_id?: string | null;
  event_name?: string | null;
  transactional_message_id?: string | null;
  template_id?: string | null;
  notification_id?: string | null;
  from_email?: string | null;
  webhook_url?: string | null;
  /** Null: the intent's default channel. One active binding per intent and channel. */
  channel?: string | null;
  dry_run?: boolean | null;
}

export interface AuditEntry {
  audit_id: number;
  config_version: number;
  entity_type: string;
  entity_id: string;
  action: string;
  actor: string;
  changed_at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface Status {
  config_version: number;
  outbox_position: number;
  published_position: number;
}

export interface ConfigExport {
  format_version?: number;
  config_version?: number;
  exported_at?: string;
  intents?: Intent[];
  signal_mappings?: SignalMapping[];
  esp_accounts?: EspAccount[];
  bindings?: Binding[];
}

export interface FieldError {
  field: string;
  message: string;
}

/** Everything the canvas draws. */
export interface Config {
  intents: Intent[];
  mappings: SignalMapping[];
  accounts: EspAccount[];
  bindings: Binding[];
}

/** One decision as the timing job's explanation store keeps it (its latest version). */
export interface DecisionSummary {
  decision_id: string;
  explanation_ref: string;
  request_id: string;
  intent_id: string;
  universal_id: string;
  decision_version: number;
  status: string;
  created_at: string;
  target_minute_utc: number;
  trigger_timestamp_utc: string;
  latency_estimate_seconds: number;
  latency_source: string;
  confidence_score: number;
  model_version: string;
  suppressed: boolean;
}

export interface ScoredMinute {
  instant: string;
  minute_of_week: number;
  activity_lift?: number;
  base_lift?: number;
  context_factor?: number;
  score: number;
}

/** The timing model's explanation (timing-model Explanation.toMap); fields may be missing in old rows. */
export interface Explanation {
  outcome?: string;
  policy?: string;
  policy_reason?: string;
  base_curve_peak_minute?: number;
  /** The scored curve by hour of the week (168 lifts, hour 0 = Monday 00:00 UTC). */
  weekly_curve?: number[];
  base_curve_peak_lift?: number;
  best?: ScoredMinute | null;
  chosen?: ScoredMinute | null;
  runners_up?: ScoredMinute[];
  applied_weights?: { signal: string; role: string; weight: number; from: string; until: string }[];
  suppression?: {
    suppressed: boolean;
    suppressed_until: string | null;
    /** The circuit breakers that covered part of the request's window. */
    breakers_in_window?: { signal: string; role: string; weight: number; from: string; until: string }[];
  };
  latency?: { seconds: number | null; source: string | null; detail: string | null; trigger_clamped_to_now?: boolean };
  confidence?: Record<string, number>;
}

/** One dispatch outcome of the decision's request, as dispatch_log holds it. */
export interface DispatchOutcome {
  outcome_id: string;
  decision_id: string;
  decision_version: number;
  binding_id: string;
  esp: string;
  esp_campaign_id: string;
  esp_response_id: string;
  attempts: number;
  esp_status: number | null;
  trigger_timestamp_utc: string;
  fired_at: string;
  lateness_millis: number;
  state: string;
  detail: string;
}

export interface Decision extends DecisionSummary {
  context_weights: unknown;
  explanation: Explanation | null;
  /** Null when the store keeps no dispatch log. */
  dispatch: DispatchOutcome[] | null;
}

/** Counts over the last hours; a section is null when the store lacks its table. */
export interface Overview {
  since: string;
  decisions: { intent_id: string; status: string; count: number }[] | null;
  outcomes: { intent_id: string; esp: string; state: string; count: number }[] | null;
  dead_letters: { stage: string; reason: string; count: number }[] | null;
}
