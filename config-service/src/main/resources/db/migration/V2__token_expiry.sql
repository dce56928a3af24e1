-- API tokens may be given an expiry; one past it authenticates no more (NULL: never expires).
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
