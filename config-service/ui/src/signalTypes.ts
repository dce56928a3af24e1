// The signal types the contract knows (contract SignalType), offered on the canvas even before any
// mapping uses them. Operators can add further types; mappings name them freely.
export const KNOWN_SIGNAL_TYPES: { type: string; hint: string }[] = [
  { type: "site_visit", hint: "hot path" },
  { type: "sms_click", hint: "hot path" },
  { type: "app_open", hint: "hot path" },
  { type: "click", hint: "engagement" },
  { type: "conversion", hint: "engagement" },
  { type: "reply", hint: "engagement" },
  { type: "open", hint: "weak engagement" },
  { type: "ticket_opened", hint: "circuit breaker" },
  { type: "ticket_closed", hint: "clears a breaker" },
  { type: "complaint", hint: "circuit breaker" },
  { type: "unsubscribed", hint: "circuit breaker" },
  { type: "hard_bounce", hint: "circuit breaker" },
];

/** The syntax the timing job's reader accepts for a signal type. */
export const SIGNAL_TYPE_PATTERN = /^[a-z0-9_]{1,64}$/;

/** The ESP ids each ESP's binding uses (config-broadcast BindingRules). */
export const ESP_ID_FIELDS: Record<string, { field: string; label: string }[]> = {
  klaviyo: [
    { field: "metric_name", label: "Metric name" },
    { field: "campaign_id", label: "Campaign id" },
  ],
  braze: [
    { field: "campaign_id", label: "Campaign id" },
    { field: "canvas_id", label: "Canvas id" },
  ],
  iterable: [{ field: "workflow_id", label: "Workflow id" }],
  customerio: [
    { field: "event_name", label: "Event name" },
    { field: "transactional_message_id", label: "Transactional message id" },
  ],
  sendgrid: [{ field: "from_email", label: "From email (sender)" }],
  webhook: [{ field: "webhook_url", label: "Webhook URL (https)" }],
};

/** Offered for new accounts; the API decides which it accepts. */
export const ESPS = ["klaviyo", "braze", "iterable", "customerio", "sendgrid", "webhook"] as const;
