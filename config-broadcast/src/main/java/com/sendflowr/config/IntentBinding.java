package com.sendflowr.config;

import com.sendflowr.contract.ConfigChange;

/**
 * Binds an intent to one ESP action. Only connector config knows ESPs: migrating a brand from one
 * ESP to another replaces this binding, and decisions already scheduled go to the new ESP at fire
 * time.
 *
 * <p>An intent can have several bindings at once, one per channel (an email through Klaviyo and a
 * push through Braze): each is its own record on the config topic, keyed by {@link
 * #channelKey(String, String)}: the intent id for the binding without a channel, {@code
 * intent/channel} for a named one. A decision fires on every channel its intent has then.
 *
 * @param esp the adapter to use, e.g. {@code klaviyo}
 * @param account the ESP account, the unit of rate limits and outage breakers
 * @param credentialRef names the secret holding the API key; the key itself never travels through
 *     Kafka or config state
 * @param metricName the ESP event/metric that triggers the brand's flow (Klaviyo metric name)
 * @param campaignId Klaviyo campaign (a property) or Braze API-triggered campaign
 * @param canvasId Braze API-triggered Canvas
 * @param workflowId Iterable workflow (numeric)
 * @param eventName Customer.io event that triggers a campaign
 * @param transactionalMessageId Customer.io transactional message (id or trigger name)
 * @param templateId SendGrid dynamic template ({@code d-...}); a property for Klaviyo
 * @param webhookUrl where the generic webhook posts
 * @param fromEmail SendGrid sender address
 * @param maxLatenessSeconds a trigger firing later than this after its time is expired, not sent
 * @param dryRun record what would be sent without calling the ESP
 * @param accountSettings the account's API root and rate limits as configured ({@link
 *     AccountSettings#NONE}: the defaults)
 */
public record IntentBinding(
    String bindingId,
    String intentId,
    String esp,
    String account,
    String credentialRef,
    String metricName,
    String campaignId,
    String canvasId,
    String workflowId,
    String eventName,
    String transactionalMessageId,
    String templateId,
    String notificationId,
    String webhookUrl,
    String fromEmail,
    long maxLatenessSeconds,
    boolean dryRun,
    long version,
    AccountSettings accountSettings) {

  public IntentBinding {
    accountSettings = accountSettings == null ? AccountSettings.NONE : accountSettings;
  }

  public static final String ENTITY_TYPE = "intent_binding";

  /**
   * Between the intent id and the channel in a channel's config key. The config service's ids never
   * contain it, and a channel may not.
   */
  public static final String CHANNEL_SEPARATOR = "/";

  /**
   * The config entity id of an intent's binding on {@code channel} (null or blank: the default).
   */
  public static String channelKey(String intentId, String channel) {
    return channel == null || channel.isBlank() ? intentId : intentId + CHANNEL_SEPARATOR + channel;
  }

  /**
   * The intent of a binding published under {@code channelKey} for {@code channel} (null: the
   * default channel, whose key is the intent id itself).
   *
   * @throws IllegalArgumentException when the key is not that channel's key
   */
  public static String intentOf(String channelKey, String channel) {
    if (channel == null || channel.isBlank()) {
      return channelKey;
    }
    String suffix = CHANNEL_SEPARATOR + channel;
    if (!channelKey.endsWith(suffix) || channelKey.length() == suffix.length()) {
      throw new IllegalArgumentException(
          "the key of the binding for channel '"
              + channel
              + "' must be <intent_id>"
              + suffix
              + ", not "
              + channelKey);
    }
    return channelKey.substring(0, channelKey.length() - suffix.length());
  }

  public static final long DEFAULT_MAX_LATENESS_SECONDS = 300;

  /**
   * The longest lateness budget a binding may set. The dispatch job retries an ESP call for as long
   * as the budget allows, so its async timeout (and how long a call may hold a slot) is sized by
   * this bound.
   */
  public static final long MAX_LATENESS_SECONDS = 3_600;

  /**
   * Reads a binding from a config change's snapshot.
   *
   * @throws IllegalArgumentException naming the missing or invalid field
   */
  public static IntentBinding fromChange(ConfigChange change) {
    if (!ENTITY_TYPE.equals(change.entityType())) {
      throw new IllegalArgumentException("not an " + ENTITY_TYPE + ": " + change.entityType());
    }
    // The per-ESP rules the config service also applies before it stores a binding.
    java.util.List<FieldError> errors = BindingRules.check(change.snapshot());
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(errors.get(0).describe("an intent binding"));
    }
    SnapshotFields s = new SnapshotFields("an intent binding", change.snapshot());
    String esp = s.required("esp");
    String intentId = intentOf(change.entityId(), s.optional("channel", null));
    return new IntentBinding(
        s.optional("binding_id", change.entityId() + "@" + esp),
        intentId,
        esp,
        s.optional("account", "default"),
        s.required("credential_ref"),
        s.optional("metric_name", "SendFlowr " + intentId),
        s.optional("campaign_id", null),
        s.optional("canvas_id", null),
        s.optional("workflow_id", null),
        s.optional("event_name", null),
        s.optional("transactional_message_id", null),
        s.optional("template_id", null),
        s.optional("notification_id", null),
        s.optional("webhook_url", null),
        s.optional("from_email", null),
        s.nonNegativeLong("max_lateness_seconds", DEFAULT_MAX_LATENESS_SECONDS),
        s.flag("dry_run", false),
        change.version(),
        AccountSettings.fromSnapshot(change.snapshot()));
  }
}
