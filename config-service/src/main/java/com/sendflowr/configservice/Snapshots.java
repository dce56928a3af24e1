package com.sendflowr.configservice;

import com.sendflowr.config.AccountSettings;
import com.sendflowr.configservice.Entities.Binding;
import com.sendflowr.configservice.Entities.Intent;
import com.sendflowr.configservice.Entities.SignalMapping;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The snapshots the service publishes, in the shape the jobs' readers ({@code IntentSettings},
 * {@code SignalMapping}, {@code IntentBinding} in config-broadcast) parse. ESP details appear only
 * in bindings; the timing job reads nothing from them but the binding id, its opaque channel key.
 */
final class Snapshots {
  private Snapshots() {}

  static Map<String, Object> intent(Intent i) {
    Map<String, Object> s = new LinkedHashMap<>();
    put(s, "name", i.name());
    put(s, "description", i.description());
    put(s, "default_window", i.defaultWindow());
    put(s, "max_lateness_seconds", i.maxLatenessSeconds());
    put(s, "confidence_threshold", i.confidenceThreshold());
    put(s, "fallback_policy", i.fallbackPolicy());
    put(s, "enabled", i.enabled());
    return s;
  }

  static Map<String, Object> signalMapping(SignalMapping m) {
    Map<String, Object> s = new LinkedHashMap<>();
    put(s, "signal_type", m.signalType());
    put(s, "source", m.source());
    put(s, "intent_id", m.intentId());
    put(s, "role", m.role());
    put(s, "weight", m.weight());
    put(s, "decay", m.decay());
    put(s, "duration", m.duration());
    put(s, "clears", m.clears());
    return s;
  }

  /**
   * The binding as the dispatch job reads it. The credential reference is the account id: the key
   * itself reaches the dispatch job from a secret, never through Kafka.
   *
   * @param maxLatenessSeconds the intent's
   * @param account the account's API root and rate limits, which the dispatch job calls and paces
   *     its calls by
   */
  static Map<String, Object> binding(
      Binding b, String esp, Long maxLatenessSeconds, AccountSettings account) {
    Map<String, Object> s = new LinkedHashMap<>();
    put(s, "binding_id", b.bindingId());
    put(s, "esp", esp);
    put(s, "account", b.accountId());
    put(s, "credential_ref", b.accountId());
    put(s, "metric_name", b.metricName());
    put(s, "campaign_id", b.campaignId());
    put(s, "canvas_id", b.canvasId());
    put(s, "workflow_id", b.workflowId());
    put(s, "event_name", b.eventName());
    put(s, "transactional_message_id", b.transactionalMessageId());
    put(s, "template_id", b.templateId());
    put(s, "notification_id", b.notificationId());
    put(s, "from_email", b.fromEmail());
    put(s, "webhook_url", b.webhookUrl());
    put(s, "channel", b.channel());
    put(s, "max_lateness_seconds", maxLatenessSeconds);
    put(s, "dry_run", b.dryRun());
    s.putAll(account.toSnapshot());
    return s;
  }

  private static void put(Map<String, Object> s, String key, Object value) {
    if (value != null && !(value instanceof String str && str.isEmpty())) {
      s.put(key, value);
    }
  }
}
