package com.sendflowr.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes an intent binding valid, per ESP: the one implementation of these rules. The dispatch
 * job applies them when it parses a binding from the config topic ({@link
 * IntentBinding#fromChange}), and the config service applies them before it stores one, so an
 * operator hears at edit time, field by field, what the dispatcher would otherwise dead-letter.
 *
 * <p>Each ESP names its campaign-like object differently, and a binding carries only the ids its
 * ESP understands: an id meant for another ESP is an error rather than silently ignored, since it
 * usually means the binding was copied from another ESP's and not finished.
 */
public final class BindingRules {
  public static final String KLAVIYO = "klaviyo";
  public static final String BRAZE = "braze";
  public static final String ITERABLE = "iterable";
  public static final String CUSTOMERIO = "customerio";
  public static final String SENDGRID = "sendgrid";
  public static final String WEBHOOK = "webhook";

  /** The ESPs a binding may name; the dispatch job has one adapter for each. */
  public static final Set<String> ESPS =
      Set.of(KLAVIYO, BRAZE, ITERABLE, CUSTOMERIO, SENDGRID, WEBHOOK);

  /** Ids that belong to one ESP (or a few), by snapshot field. */
  static final Map<String, Set<String>> ESP_SPECIFIC_FIELDS =
      Map.of(
          "metric_name", Set.of(KLAVIYO),
          "campaign_id", Set.of(KLAVIYO, BRAZE),
          "canvas_id", Set.of(BRAZE),
          "workflow_id", Set.of(ITERABLE),
          "event_name", Set.of(CUSTOMERIO),
          "transactional_message_id", Set.of(CUSTOMERIO),
          "from_email", Set.of(SENDGRID),
          "webhook_url", Set.of(WEBHOOK));

  /** ESPs whose batch endpoint has limits of its own, which an account may set apart. */
  public static final Set<String> BATCH_LIMIT_ESPS = Set.of(KLAVIYO);

  /** Fields any ESP's binding may carry. */
  static final Set<String> COMMON_TEXT_FIELDS =
      Set.of("binding_id", "account", "template_id", "notification_id", "channel");

  /** The longest id or name any field may hold; ESPs' own ids are far shorter. */
  public static final int MAX_FIELD_LENGTH = 256;

  /** Klaviyo metric names are at most 128 characters. */
  public static final int MAX_METRIC_NAME_LENGTH = 128;

  /** What a credential reference (the config service uses the ESP account id) may look like. */
  public static final Pattern CREDENTIAL_REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /**
   * Customer.io trims event names and matches campaign triggers on them; names longer than this are
   * refused here rather than silently never matching.
   */
  public static final int MAX_EVENT_NAME_LENGTH = 100;

  /** The longest address SMTP allows (RFC 5321 path limit less the angle brackets). */
  public static final int MAX_EMAIL_LENGTH = 254;

  private static final Pattern ITERABLE_WORKFLOW = Pattern.compile("[1-9][0-9]{0,18}");
  private static final Pattern SENDGRID_TEMPLATE = Pattern.compile("d-[0-9a-fA-F]{32}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  private BindingRules() {}

  /**
   * Every problem of a binding's snapshot, in a stable order (empty when valid).
   *
   * @param snapshot the fields as published on the config topic (snake_case)
   */
  public static List<FieldError> check(Map<String, Object> snapshot) {
    List<FieldError> errors = new ArrayList<>();
    String esp = text(snapshot, "esp", errors);
    if (esp == null || esp.isBlank()) {
      errors.add(new FieldError("esp", "is required"));
    } else if (!ESPS.contains(esp)) {
      errors.add(new FieldError("esp", "must be one of " + sorted(ESPS)));
      esp = null;
    }
    String credentialRef = text(snapshot, "credential_ref", errors);
    if (credentialRef == null || credentialRef.isBlank()) {
      errors.add(new FieldError("credential_ref", "is required"));
    } else if (!CREDENTIAL_REF.matcher(credentialRef).matches()) {
      errors.add(
          new FieldError(
              "credential_ref",
              "must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit"));
    }
    for (String field : sorted(COMMON_TEXT_FIELDS)) {
      text(snapshot, field, errors);
    }
    for (String field : sorted(ESP_SPECIFIC_FIELDS.keySet())) {
      String v = text(snapshot, field, errors);
      if (v != null && esp != null && !ESP_SPECIFIC_FIELDS.get(field).contains(esp)) {
        errors.add(new FieldError(field, "is not used by " + esp));
      }
    }
    Object lateness = snapshot.get("max_lateness_seconds");
    if (lateness != null
        && (!(lateness instanceof Number n)
            || n.doubleValue() < 0
            || n.doubleValue() > IntentBinding.MAX_LATENESS_SECONDS)) {
      errors.add(
          new FieldError(
              "max_lateness_seconds",
              "must be a number from 0 to " + IntentBinding.MAX_LATENESS_SECONDS));
    }
    errors.addAll(AccountSettings.check(snapshot));
    if (esp != null && !BATCH_LIMIT_ESPS.contains(esp)) {
      for (String field : RateLimits.fieldNames(RateLimits.BATCH)) {
        if (snapshot.get(field) != null) {
          errors.add(new FieldError(field, "is not used by " + esp));
        }
      }
    }
    for (String flag : List.of("dry_run", "enabled")) {
      Object v = snapshot.get(flag);
      if (v != null && !(v instanceof Boolean)) {
        errors.add(new FieldError(flag, "must be true or false"));
      }
    }
    String channel = present(snapshot, "channel");
    if (channel != null && channel.contains(IntentBinding.CHANNEL_SEPARATOR)) {
      errors.add(
          new FieldError("channel", "must not contain '" + IntentBinding.CHANNEL_SEPARATOR + "'"));
    }
    if (esp != null) {
      espRules(esp, snapshot, errors);
    }
    return List.copyOf(errors);
  }

  private static void espRules(String esp, Map<String, Object> s, List<FieldError> errors) {
    switch (esp) {
      case KLAVIYO -> {
        String metric = present(s, "metric_name");
        if (metric != null && metric.length() > MAX_METRIC_NAME_LENGTH) {
          errors.add(
              new FieldError(
                  "metric_name", "must be at most " + MAX_METRIC_NAME_LENGTH + " characters"));
        }
      }
      case BRAZE -> exactlyOne(s, "campaign_id", "canvas_id", "Braze", errors);
      case ITERABLE -> {
        String workflow = present(s, "workflow_id");
        if (workflow == null) {
          errors.add(new FieldError("workflow_id", "is required for Iterable"));
        } else if (!ITERABLE_WORKFLOW.matcher(workflow).matches()) {
          errors.add(new FieldError("workflow_id", "must be Iterable's numeric workflow id"));
        }
      }
      case CUSTOMERIO -> {
        exactlyOne(s, "event_name", "transactional_message_id", "Customer.io", errors);
        String event = present(s, "event_name");
        if (event != null && event.strip().length() > MAX_EVENT_NAME_LENGTH) {
          errors.add(
              new FieldError(
                  "event_name", "must be at most " + MAX_EVENT_NAME_LENGTH + " characters"));
        }
      }
      case SENDGRID -> {
        String template = present(s, "template_id");
        if (template == null) {
          errors.add(new FieldError("template_id", "is required for SendGrid"));
        } else if (!SENDGRID_TEMPLATE.matcher(template).matches()) {
          errors.add(
              new FieldError(
                  "template_id", "must be a SendGrid dynamic template id (d- and 32 hex digits)"));
        }
        // SendGrid refuses a message without a sender.
        String from = present(s, "from_email");
        if (from == null) {
          // (a value of the wrong type is already reported)
          if (s.get("from_email") == null || s.get("from_email") instanceof String) {
            errors.add(new FieldError("from_email", "is required for SendGrid"));
          }
        } else if (from.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(from).matches()) {
          errors.add(new FieldError("from_email", "must be an email address"));
        }
      }
      case WEBHOOK -> {
        String url = present(s, "webhook_url");
        if (url == null) {
          errors.add(new FieldError("webhook_url", "is required for a webhook"));
        } else {
          String problem = webhookUrlProblem(url);
          if (problem != null) {
            errors.add(new FieldError("webhook_url", problem));
          }
        }
      }
      default -> throw new IllegalStateException("unhandled ESP " + esp);
    }
  }

  /**
   * Why a webhook URL is unusable, or null. HTTPS only, since the payload names recipients; plain
   * HTTP only to this machine (a local receiver or the sandbox). No credentials in the URL: it is
   * published on the config topic and shown to operators, the signing secret is the credential.
   */
  static String webhookUrlProblem(String url) {
    return httpsUrlProblem(url, true);
  }

  /**
   * Why a URL an ESP call goes to (a webhook, an account's API root) is unusable, or null: absolute
   * https (plain http only to this machine: a local receiver or a sandbox), no credentials in it
   * (it is published and shown; the secret comes from {@code credential_ref}), no fragment, and a
   * query only where {@code queryAllowed}. The one check of such URLs, for the config service too.
   */
  public static String httpsUrlProblem(String url, boolean queryAllowed) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "must be an absolute https URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().isBlank()) {
      return "must be an absolute https URL";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not carry credentials: the secret comes from credential_ref";
    }
    if (uri.getRawFragment() != null) {
      return "must not have a fragment";
    }
    if (!queryAllowed && uri.getRawQuery() != null) {
      return "must not have a query";
    }
    boolean loopback = LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      return "must be an https URL (plain http only to localhost)";
    }
    return null;
  }

  private static void exactlyOne(
      Map<String, Object> s, String a, String b, String espLabel, List<FieldError> errors) {
    boolean hasA = present(s, a) != null;
    boolean hasB = present(s, b) != null;
    if (hasA == hasB) {
      String problem = espLabel + " needs exactly one of " + a + " or " + b;
      errors.add(new FieldError(hasA ? b : a, problem));
    }
  }

  /** A non-blank string value, or null (type errors are reported by {@link #text}). */
  private static String present(Map<String, Object> s, String field) {
    return s.get(field) instanceof String str && !str.isBlank() ? str : null;
  }

  /** Reads an optional string field, reporting a wrong type, length or control characters. */
  private static String text(Map<String, Object> s, String field, List<FieldError> errors) {
    Object v = s.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String str)) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    if (str.length() > MAX_FIELD_LENGTH) {
      errors.add(new FieldError(field, "must be at most " + MAX_FIELD_LENGTH + " characters"));
      return null;
    }
    if (str.codePoints().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError(field, "must not contain control characters"));
      return null;
    }
    // The contract's parser rejects a lone surrogate anywhere in a record.
    if (str.codePoints()
        .anyMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
      errors.add(new FieldError(field, "must be well-formed Unicode"));
      return null;
    }
    return str;
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
