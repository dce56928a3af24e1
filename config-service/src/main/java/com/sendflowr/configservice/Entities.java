package com.sendflowr.configservice;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The API's entities, as clients send and receive them (snake_case JSON). Server-set fields ({@code
 * version}, timestamps, {@code updated_by}) are ignored on input, except {@code version} on an
 * update, which names the version the edit is based on (like {@code If-Match}).
 */
public final class Entities {
  private Entities() {}

  /**
   * @param defaultWindow ISO-8601 duration of a request's window when it gives no {@code not_after}
   * @param maxLatenessSeconds a trigger firing later than this is expired, not sent
   * @param confidenceThreshold below it the timing job uses {@code fallbackPolicy}
   */
  public record Intent(
      String intentId,
      String name,
      String description,
      String defaultWindow,
      Long maxLatenessSeconds,
      Double confidenceThreshold,
      String fallbackPolicy,
      Boolean enabled,
      Long version,
      Instant createdAt,
      Instant updatedAt,
      String updatedBy) {}

  /**
   * @param source where the signal comes from (e.g. {@code shopify}); stored and published, not yet
   *     used by the timing job to filter signals
   * @param intentId the intent, or {@code *} for every intent
   * @param role {@code hot_path}, {@code circuit_breaker} or {@code clear}
   */
  public record SignalMapping(
      String mappingId,
      String signalType,
      String source,
      String intentId,
      String role,
      Double weight,
      String decay,
      String duration,
      String clears,
      Long version,
      Instant createdAt,
      Instant updatedAt,
      String updatedBy) {}

  /**
   * @param credential the ESP API key: write-only, stored encrypted, never returned
   * @param credentialSet whether a credential is stored
   * @param batchRateLimitPerSecond the account's limit on the ESP's batch endpoint where it has one
   *     with limits of its own (Klaviyo's bulk create jobs), for an account the ESP granted more;
   *     null for the published one
   */
  public record EspAccount(
      String accountId,
      String name,
      String esp,
      String apiBaseUrl,
      @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) String credential,
      Boolean credentialSet,
      Integer rateLimitPerSecond,
      Integer rateLimitPerMinute,
      Integer batchRateLimitPerSecond,
      Integer batchRateLimitPerMinute,
      Long version,
      Instant createdAt,
      Instant updatedAt,
      String updatedBy) {

    /** Never prints the credential, should a record end up in a log line or an exception. */
    @Override
    public String toString() {
      return "EspAccount[accountId=" + accountId + ", esp=" + esp + ", credential=***]";
    }
  }

  /**
   * Binds an intent to a campaign-like object of one ESP account. An intent may have several
   * bindings; on each channel the one marked {@code active} is what the dispatch job uses, and a
   * decision goes out on every channel that has one.
   *
   * @param esp the account's ESP (read-only, from the account)
   * @param fromEmail SendGrid's sender address (required for SendGrid)
   * @param webhookUrl where a webhook binding posts (https; http only to this machine)
   * @param channel the channel (e.g. {@code email}, {@code push}); null is the intent's default
   *     channel. Activating a binding retires the active one on the same channel only.
   */
  public record Binding(
      String bindingId,
      String intentId,
      String accountId,
      String esp,
      Boolean active,
      String metricName,
      String campaignId,
      String canvasId,
      String workflowId,
      String eventName,
      String transactionalMessageId,
      String templateId,
      String notificationId,
      String fromEmail,
      String webhookUrl,
      String channel,
      Boolean dryRun,
      Long version,
      Instant createdAt,
      Instant updatedAt,
      String updatedBy) {}

  /** One change as the audit trail keeps it; {@code before}/{@code after} are entity JSON. */
  public record AuditEntry(
      long auditId,
      long configVersion,
      String entityType,
      String entityId,
      String action,
      String actor,
      Instant changedAt,
      Object before,
      Object after) {}

  /** An API token as listed (never the token itself, which is shown once at creation). */
  public record ApiToken(
      String tokenId,
      String name,
      String role,
      Instant createdAt,
      String createdBy,
      Instant revokedAt,
      Instant expiresAt,
      @JsonProperty(access = JsonProperty.Access.READ_ONLY) String token) {

    @Override
    public String toString() {
      return "ApiToken[tokenId=" + tokenId + ", name=" + name + ", role=" + role + "]";
    }
  }

  /**
   * The whole config as one reviewable file (credentials are never part of it).
   *
   * @param formatVersion {@value ConfigExport#FORMAT}; an import accepts it or none
   */
  public record ConfigExport(
      Integer formatVersion,
      Long configVersion,
      Instant exportedAt,
      List<Intent> intents,
      List<SignalMapping> signalMappings,
      List<EspAccount> espAccounts,
      List<Binding> bindings) {
    public static final int FORMAT = 1;
  }

  /** Where publishing stands: a UI can show "published" once {@code published} reaches it. */
  public record Status(long configVersion, long outboxPosition, long publishedPosition) {}

  /** A page of a list endpoint. */
  public record Page<T>(List<T> items) {}

  /** The caller, as its token identifies it. */
  public record Principal(String tokenId, String name, Role role) {}
}
