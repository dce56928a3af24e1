-- An account's limits on the ESP's batch endpoint (Klaviyo's bulk create jobs), apart from its
-- per-event ones; null keeps the ESP's published limits. Published with the account's bindings.
ALTER TABLE esp_accounts ADD COLUMN batch_rate_limit_per_second INTEGER;
ALTER TABLE esp_accounts ADD COLUMN batch_rate_limit_per_minute INTEGER;
