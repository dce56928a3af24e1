-- What SendGrid sends from and where a webhook binding posts; both published with the binding.
ALTER TABLE bindings ADD COLUMN from_email VARCHAR(254);
ALTER TABLE bindings ADD COLUMN webhook_url VARCHAR(2048);
