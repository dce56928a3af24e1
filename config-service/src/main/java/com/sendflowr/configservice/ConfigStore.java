package com.sendflowr.configservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sendflowr.config.AccountSettings;
import com.sendflowr.config.BindingRules;
import com.sendflowr.config.FieldError;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.IntentSettings;
import com.sendflowr.config.RateLimits;
import com.sendflowr.configservice.Entities.ApiToken;
import com.sendflowr.configservice.Entities.AuditEntry;
import com.sendflowr.configservice.Entities.Binding;
import com.sendflowr.configservice.Entities.ConfigExport;
import com.sendflowr.configservice.Entities.EspAccount;
import com.sendflowr.configservice.Entities.Intent;
import com.sendflowr.configservice.Entities.Principal;
import com.sendflowr.configservice.Entities.SignalMapping;
import com.sendflowr.configservice.Entities.Status;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The config database behind the API: every entity's reads and changes, the audit trail, the outbox
 * and the API tokens.
 *
 * <p>Every change runs in one transaction that first increments the global config version. That row
 * lock serialises writers, so the outbox positions handed out inside it follow commit order, and a
 * change is committed together with its audit entries and its outbox records or not at all. Config
 * changes are rare and small; serialising them costs nothing that matters.
 */
public final class ConfigStore {
  /** Audit and outbox entity types; the published ones are the jobs' own. */
  static final String INTENT = IntentSettings.ENTITY_TYPE;

  static final String SIGNAL_MAPPING = com.sendflowr.config.SignalMapping.ENTITY_TYPE;
  static final String ESP_ACCOUNT = "esp_account";
  static final String BINDING = "binding";
  static final String API_TOKEN = "api_token";

  static final long DEFAULT_MAX_LATENESS_SECONDS = IntentBinding.DEFAULT_MAX_LATENESS_SECONDS;
  static final long MAX_LATENESS_LIMIT_SECONDS = 7 * 24 * 3600;
  static final int MAX_CREDENTIAL_LENGTH = 1_024;
  static final int MAX_URL_LENGTH = 512;

  private final Database db;
  private final CredentialCipher cipher;
  private final Clock clock;
  private final Runnable committed;

  /**
   * @param committed called after every committed change (wakes the outbox relay)
   */
  public ConfigStore(Database db, CredentialCipher cipher, Clock clock, Runnable committed) {
    this.db = db;
    this.cipher = cipher;
    this.clock = clock;
    this.committed = committed;
  }

  /** How a write treats an existing entity. */
  public enum Mode {
    CREATE,
    UPDATE,
    UPSERT
  }

  // ---------------------------------------------------------------------------------------------
  // Changes: one transaction each, with audit and outbox

  /** The context of one change: its transaction, config version, actor and time. */
  final class Change {
    final Connection c;
    final long version;
    final Instant now;
    final String actor;
    long position;

    private Change(Connection c, long version, Instant now, String actor, long position) {
      this.c = c;
      this.version = version;
      this.now = now;
      this.actor = actor;
      this.position = position;
    }

    void audit(String type, String id, String action, Object before, Object after)
        throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO audit_log (config_version, entity_type, entity_id, action, actor,"
                  + " changed_at, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, version);
        ps.setString(2, type);
        ps.setString(3, id);
        ps.setString(4, action);
        ps.setString(5, actor);
        ps.setObject(6, ts(now));
        ps.setString(7, before == null ? null : Contracts.toJson(before));
        ps.setString(8, after == null ? null : Contracts.toJson(after));
        ps.executeUpdate();
      }
    }

    /** Queues a config-topic record; {@code snapshot} null publishes a tombstone. */
    void publish(String entityType, String entityId, Map<String, Object> snapshot)
        throws SQLException {
      ConfigChange change =
          new ConfigChange(entityType, entityId, version, now, snapshot == null, snapshot);
      position++;
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO outbox (position, config_version, record_key, record_value, created_at)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        ps.setLong(1, position);
        ps.setLong(2, version);
        ps.setString(3, change.key());
        ps.setString(4, Contracts.toJson(change));
        ps.setObject(5, ts(now));
        ps.executeUpdate();
      }
    }
  }

  @FunctionalInterface
  interface ChangeWork<T> {
    T run(Change ch) throws SQLException;
  }

  <T> T change(Principal who, ChangeWork<T> work) {
    T result =
        db.inTransaction(
            c -> {
              try (PreparedStatement bump =
                  c.prepareStatement(
                      "UPDATE config_state SET config_version = config_version + 1 WHERE id = 1")) {
                bump.executeUpdate();
              }
              long version;
              long position;
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT config_version, outbox_position FROM config_state WHERE id = 1");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                version = rs.getLong(1);
                position = rs.getLong(2);
              }
              Change ch =
                  new Change(
                      c,
                      version,
                      clock.instant().truncatedTo(ChronoUnit.MILLIS),
                      who.name(),
                      position);
              T r = work.run(ch);
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE config_state SET outbox_position = ? WHERE id = 1")) {
                ps.setLong(1, ch.position);
                ps.executeUpdate();
              }
              return r;
            });
    committed.run();
    return result;
  }

  public Status status() {
    return db.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT config_version, outbox_position, published_position FROM config_state"
                          + " WHERE id = 1");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Status(rs.getLong(1), rs.getLong(2), rs.getLong(3));
          }
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Intents

  private static final String INTENT_COLUMNS =
      "intent_id, name, description, default_window, max_lateness_seconds, confidence_threshold,"
          + " fallback_policy, enabled, version, created_at, updated_at, updated_by";

  public List<Intent> intents() {
    return db.read(c -> queryIntents(c, "", null));
  }

  public Intent intent(String id) {
    return db.read(c -> findIntent(c, id)).orElseThrow(() -> ApiException.notFound("intent", id));
  }

  public Intent putIntent(Principal who, Mode mode, String id, Long expected, Intent in) {
    return change(who, ch -> putIntent(ch, mode, id, expected, in));
  }

  Intent putIntent(Change ch, Mode mode, String id, Long expected, Intent in) throws SQLException {
    Intent valid = validIntent(id, in);
    Optional<Intent> before = findIntent(ch.c, id);
    Intent after =
        new Intent(
            id,
            valid.name(),
            valid.description(),
            valid.defaultWindow(),
            valid.maxLatenessSeconds(),
            valid.confidenceThreshold(),
            valid.fallbackPolicy(),
            valid.enabled(),
            ch.version,
            before.map(Intent::createdAt).orElse(ch.now),
            ch.now,
            ch.actor);
    if (before.isEmpty()) {
      requireCreatable(mode, "intent", id);
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "INSERT INTO intents (" + INTENT_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, id);
        bindIntent(ps, 2, after);
        ps.setObject(10, ts(after.createdAt()));
        ps.setObject(11, ts(ch.now));
        ps.setString(12, ch.actor);
        ps.executeUpdate();
      }
    } else {
      requireUpdatable(mode, "intent", id, expected, before.get().version());
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "UPDATE intents SET name = ?, description = ?, default_window = ?,"
                  + " max_lateness_seconds = ?, confidence_threshold = ?, fallback_policy = ?,"
                  + " enabled = ?, version = ?, updated_at = ?, updated_by = ? WHERE intent_id = ?")) {
        bindIntent(ps, 1, after);
        ps.setObject(9, ts(ch.now));
        ps.setString(10, ch.actor);
        ps.setString(11, id);
        ps.executeUpdate();
      }
    }
    ch.audit(INTENT, id, before.isEmpty() ? "create" : "update", before.orElse(null), after);
    ch.publish(INTENT, id, Snapshots.intent(after));
    // The dispatch job reads the intent's max lateness from the binding it publishes.
    if (before.isPresent()
        && !before.get().maxLatenessSeconds().equals(after.maxLatenessSeconds())) {
      for (Binding b : queryBindings(ch.c, "WHERE b.intent_id = ? AND b.active", id)) {
        republishBinding(ch, id, b.channel(), true);
      }
    }
    return after;
  }

  /** Binds name .. version (8 parameters) starting at {@code i}. */
  private static void bindIntent(PreparedStatement ps, int i, Intent v) throws SQLException {
    ps.setString(i, v.name());
    ps.setString(i + 1, v.description());
    ps.setString(i + 2, v.defaultWindow());
    ps.setLong(i + 3, v.maxLatenessSeconds());
    ps.setDouble(i + 4, v.confidenceThreshold());
    ps.setString(i + 5, v.fallbackPolicy());
    ps.setBoolean(i + 6, v.enabled());
    ps.setLong(i + 7, v.version());
  }

  public void deleteIntent(Principal who, String id, Long expected) {
    change(
        who,
        ch -> {
          removeIntent(ch, id, expected, Mode.UPDATE);
          return null;
        });
  }

  /**
   * Deletes the intent inside a change: {@code Mode.UPDATE} checks {@code expected} against its
   * version, {@code Mode.UPSERT} (an import's prune) does not.
   */
  private void removeIntent(Change ch, String id, Long expected, Mode mode) throws SQLException {
    Intent before = findIntent(ch.c, id).orElseThrow(() -> ApiException.notFound("intent", id));
    requireUpdatable(mode, "intent", id, expected, before.version());
    List<String> users = new ArrayList<>();
    queryBindings(ch.c, "WHERE b.intent_id = ?", id)
        .forEach(b -> users.add("binding " + b.bindingId()));
    queryMappings(ch.c, "WHERE intent_id = ?", id)
        .forEach(m -> users.add("signal mapping " + m.mappingId()));
    if (!users.isEmpty()) {
      throw ApiException.conflict(
          "intent '" + id + "' is still used by " + String.join(", ", users));
    }
    update(ch.c, "DELETE FROM intents WHERE intent_id = ?", id);
    ch.audit(INTENT, id, "delete", before, null);
    ch.publish(INTENT, id, null);
  }

  private Intent validIntent(String id, Intent in) {
    Checks k = new Checks();
    k.id("intent_id", id);
    k.text("name", in.name(), Checks.MAX_NAME, true, false);
    k.text("description", in.description(), Checks.MAX_DESCRIPTION, false, true);
    k.range("max_lateness_seconds", in.maxLatenessSeconds(), 0, MAX_LATENESS_LIMIT_SECONDS);
    k.text("default_window", in.defaultWindow(), 32, false, false);
    k.text("fallback_policy", in.fallbackPolicy(), 32, false, false);
    k.throwIfAny();
    // The timing job's own reader decides what a valid intent is, and fills in its defaults.
    Map<String, Object> s = new LinkedHashMap<>();
    putIfSet(s, "default_window", in.defaultWindow());
    putIfSet(s, "confidence_threshold", in.confidenceThreshold());
    putIfSet(s, "fallback_policy", in.fallbackPolicy());
    putIfSet(s, "enabled", in.enabled());
    IntentSettings settings;
    try {
      settings = IntentSettings.fromChange(probe(INTENT, id, s));
    } catch (IllegalArgumentException e) {
      k.fromJobParser(e);
      throw ApiException.invalid(errorsOf(k));
    }
    return new Intent(
        id,
        in.name(),
        blankToNull(in.description()),
        settings.defaultWindow().toString(),
        in.maxLatenessSeconds() == null ? DEFAULT_MAX_LATENESS_SECONDS : in.maxLatenessSeconds(),
        settings.confidenceThreshold(),
        settings.fallbackPolicy(),
        settings.enabled(),
        null,
        null,
        null,
        null);
  }

  private static List<FieldError> errorsOf(Checks k) {
    try {
      k.throwIfAny();
      return List.of();
    } catch (ApiException e) {
      return e.fields();
    }
  }

  private Optional<Intent> findIntent(Connection c, String id) throws SQLException {
    return queryIntents(c, "WHERE intent_id = ?", id).stream().findFirst();
  }

  private List<Intent> queryIntents(Connection c, String where, String param) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + INTENT_COLUMNS + " FROM intents " + where + " ORDER BY intent_id")) {
      if (param != null) {
        ps.setString(1, param);
      }
      List<Intent> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Intent(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getLong(5),
                  rs.getDouble(6),
                  rs.getString(7),
                  rs.getBoolean(8),
                  rs.getLong(9),
                  instant(rs, 10),
                  instant(rs, 11),
                  rs.getString(12)));
        }
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Signal mappings

  private static final String MAPPING_COLUMNS =
      "mapping_id, signal_type, source, intent_id, role, weight, decay, duration, clears, version,"
          + " created_at, updated_at, updated_by";

  public List<SignalMapping> signalMappings(String intentId) {
    return db.read(
        c ->
            intentId == null
                ? queryMappings(c, "", null)
                : queryMappings(c, "WHERE intent_id = ?", intentId));
  }

  public SignalMapping signalMapping(String id) {
    return db.read(c -> queryMappings(c, "WHERE mapping_id = ?", id).stream().findFirst())
        .orElseThrow(() -> ApiException.notFound("signal mapping", id));
  }

  public SignalMapping putSignalMapping(
      Principal who, Mode mode, String id, Long expected, SignalMapping in) {
    return change(who, ch -> putSignalMapping(ch, mode, id, expected, in));
  }

  SignalMapping putSignalMapping(Change ch, Mode mode, String id, Long expected, SignalMapping in)
      throws SQLException {
    SignalMapping v = validMapping(ch.c, id, in);
    Optional<SignalMapping> before =
        queryMappings(ch.c, "WHERE mapping_id = ?", id).stream().findFirst();
    SignalMapping after =
        new SignalMapping(
            id,
            v.signalType(),
            v.source(),
            v.intentId(),
            v.role(),
            v.weight(),
            v.decay(),
            v.duration(),
            v.clears(),
            ch.version,
            before.map(SignalMapping::createdAt).orElse(ch.now),
            ch.now,
            ch.actor);
    if (before.isEmpty()) {
      requireCreatable(mode, "signal mapping", id);
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "INSERT INTO signal_mappings ("
                  + MAPPING_COLUMNS
                  + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, id);
        bindMapping(ps, 2, after);
        ps.setObject(11, ts(after.createdAt()));
        ps.setObject(12, ts(ch.now));
        ps.setString(13, ch.actor);
        ps.executeUpdate();
      }
    } else {
      requireUpdatable(mode, "signal mapping", id, expected, before.get().version());
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "UPDATE signal_mappings SET signal_type = ?, source = ?, intent_id = ?, role = ?,"
                  + " weight = ?, decay = ?, duration = ?, clears = ?, version = ?,"
                  + " updated_at = ?, updated_by = ? WHERE mapping_id = ?")) {
        bindMapping(ps, 1, after);
        ps.setObject(10, ts(ch.now));
        ps.setString(11, ch.actor);
        ps.setString(12, id);
        ps.executeUpdate();
      }
    }
    ch.audit(
        SIGNAL_MAPPING, id, before.isEmpty() ? "create" : "update", before.orElse(null), after);
    ch.publish(SIGNAL_MAPPING, id, Snapshots.signalMapping(after));
    return after;
  }

  /** Binds signal_type .. version (9 parameters) starting at {@code i}. */
  private static void bindMapping(PreparedStatement ps, int i, SignalMapping v)
      throws SQLException {
    ps.setString(i, v.signalType());
    ps.setString(i + 1, v.source());
    ps.setString(i + 2, v.intentId());
    ps.setString(i + 3, v.role());
    if (v.weight() == null) {
      ps.setNull(i + 4, Types.DOUBLE);
    } else {
      ps.setDouble(i + 4, v.weight());
    }
    ps.setString(i + 5, v.decay());
    ps.setString(i + 6, v.duration());
    ps.setString(i + 7, v.clears());
    ps.setLong(i + 8, v.version());
  }

  public void deleteSignalMapping(Principal who, String id, Long expected) {
    change(
        who,
        ch -> {
          removeSignalMapping(ch, id, expected, Mode.UPDATE);
          return null;
        });
  }

  /**
   * Deletes the signal mapping inside a change: {@code Mode.UPDATE} checks {@code expected} against
   * its version, {@code Mode.UPSERT} (an import's prune) does not.
   */
  private void removeSignalMapping(Change ch, String id, Long expected, Mode mode)
      throws SQLException {
    SignalMapping before =
        queryMappings(ch.c, "WHERE mapping_id = ?", id).stream()
            .findFirst()
            .orElseThrow(() -> ApiException.notFound("signal mapping", id));
    requireUpdatable(mode, "signal mapping", id, expected, before.version());
    update(ch.c, "DELETE FROM signal_mappings WHERE mapping_id = ?", id);
    ch.audit(SIGNAL_MAPPING, id, "delete", before, null);
    ch.publish(SIGNAL_MAPPING, id, null);
  }

  private SignalMapping validMapping(Connection c, String id, SignalMapping in)
      throws SQLException {
    Checks k = new Checks();
    k.id("mapping_id", id);
    if (in.signalType() == null || in.signalType().isEmpty()) {
      k.add("signal_type", "is required");
    } else if (!Contracts.EVENT_TYPE.matcher(in.signalType()).matches()) {
      k.add(
          "signal_type", "must be lower-case letters, digits and _ (at most 64), e.g. site_visit");
    }
    k.text("source", in.source(), Checks.MAX_ID, false, false);
    String intentId =
        in.intentId() == null ? com.sendflowr.config.SignalMapping.ALL_INTENTS : in.intentId();
    if (!com.sendflowr.config.SignalMapping.ALL_INTENTS.equals(intentId)) {
      Checks idCheck = new Checks();
      idCheck.id("intent_id", intentId);
      k.addAll(errorsOf(idCheck));
      if (idCheck.ok() && findIntent(c, intentId).isEmpty()) {
        k.add("intent_id", "names no intent (create intent '" + intentId + "' first, or use *)");
      }
    }
    String role = in.role();
    if (role == null || role.isEmpty()) {
      k.add("role", "is required");
    } else {
      boolean hot = "hot_path".equals(role);
      if (!hot && in.weight() != null) {
        k.add("weight", "applies to hot_path mappings only");
      }
      if (!hot && in.decay() != null) {
        k.add("decay", "applies to hot_path mappings only");
      }
      if (!"clear".equals(role) && in.clears() != null) {
        k.add("clears", "applies to clear mappings only");
      }
      if ("clear".equals(role) && in.duration() != null) {
        k.add("duration", "does not apply to clear mappings");
      }
    }
    k.text("decay", in.decay(), 32, false, false);
    k.text("duration", in.duration(), 32, false, false);
    k.text("clears", in.clears(), 64, false, false);
    k.throwIfAny();
    Map<String, Object> s = new LinkedHashMap<>();
    putIfSet(s, "signal_type", in.signalType());
    putIfSet(s, "intent_id", intentId);
    putIfSet(s, "role", role);
    putIfSet(s, "weight", in.weight());
    putIfSet(s, "decay", in.decay());
    putIfSet(s, "duration", in.duration());
    putIfSet(s, "clears", in.clears());
    com.sendflowr.config.SignalMapping parsed;
    try {
      // The timing job's reader is the judge, and supplies the effective defaults.
      parsed = com.sendflowr.config.SignalMapping.fromChange(probe(SIGNAL_MAPPING, id, s));
    } catch (IllegalArgumentException e) {
      k.fromJobParser(e);
      throw ApiException.invalid(errorsOf(k));
    }
    boolean hot = parsed.role() == com.sendflowr.config.SignalMapping.Role.HOT_PATH;
    boolean clear = parsed.role() == com.sendflowr.config.SignalMapping.Role.CLEAR;
    return new SignalMapping(
        id,
        parsed.signalType(),
        blankToNull(in.source()),
        parsed.intentId(),
        parsed.role().wire(),
        hot ? parsed.weight() : null,
        hot ? parsed.decay().toString() : null,
        clear ? null : parsed.duration().toString(),
        clear ? parsed.clears() : null,
        null,
        null,
        null,
        null);
  }

  private List<SignalMapping> queryMappings(Connection c, String where, String param)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + MAPPING_COLUMNS
                + " FROM signal_mappings "
                + where
                + " ORDER BY mapping_id")) {
      if (param != null) {
        ps.setString(1, param);
      }
      List<SignalMapping> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double w = rs.getDouble(6);
          Double weight = rs.wasNull() ? null : w;
          out.add(
              new SignalMapping(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  weight,
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getLong(10),
                  instant(rs, 11),
                  instant(rs, 12),
                  rs.getString(13)));
        }
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ESP accounts

  private static final String ACCOUNT_COLUMNS =
      "account_id, name, esp, api_base_url, credential_ciphertext, rate_limit_per_second,"
          + " rate_limit_per_minute, version, created_at, updated_at, updated_by,"
          + " batch_rate_limit_per_second, batch_rate_limit_per_minute";

  public List<EspAccount> espAccounts() {
    return db.read(c -> queryAccounts(c, "", null));
  }

  public EspAccount espAccount(String id) {
    return db.read(c -> findAccount(c, id))
        .orElseThrow(() -> ApiException.notFound("ESP account", id));
  }

  public EspAccount putEspAccount(
      Principal who, Mode mode, String id, Long expected, EspAccount in) {
    return change(who, ch -> putEspAccount(ch, mode, id, expected, in, true));
  }

  /**
   * @param credentialRequired whether a new account needs a credential (an import creates accounts
   *     without one: the file never carries credentials)
   */
  EspAccount putEspAccount(
      Change ch, Mode mode, String id, Long expected, EspAccount in, boolean credentialRequired)
      throws SQLException {
    Optional<EspAccount> before = findAccount(ch.c, id);
    Checks k = new Checks();
    k.id("account_id", id);
    if (k.ok() && !BindingRules.CREDENTIAL_REF.matcher(id).matches()) {
      k.add(
          "account_id",
          "must be 1 to 128 letters, digits, '.', '_' or '-': it is the dispatch job's credential"
              + " reference");
    }
    k.text("name", in.name(), Checks.MAX_NAME, true, false);
    if (in.esp() == null || in.esp().isEmpty()) {
      k.add("esp", "is required");
    } else if (!BindingRules.ESPS.contains(in.esp())) {
      k.add("esp", "must be one of " + BindingRules.ESPS.stream().sorted().toList());
    }
    checkUrl(k, in.apiBaseUrl());
    String credential = in.credential();
    if (credential == null || credential.isEmpty()) {
      if (before.isEmpty() && credentialRequired) {
        k.add("credential", "is required for a new account");
      }
    } else if (credential.length() > MAX_CREDENTIAL_LENGTH
        || !credential.chars().allMatch(ch2 -> ch2 > 0x20 && ch2 < 0x7f)) {
      // Never echo the value back, not even in a validation message.
      k.add(
          "credential",
          "must be at most " + MAX_CREDENTIAL_LENGTH + " printable ASCII characters, no spaces");
    }
    // The bounds the dispatch job checks when these limits reach it with a binding.
    k.range("rate_limit_per_second", in.rateLimitPerSecond(), 1, RateLimits.MAX_PER_SECOND);
    k.range("rate_limit_per_minute", in.rateLimitPerMinute(), 1, RateLimits.MAX_PER_MINUTE);
    k.range(
        "batch_rate_limit_per_second", in.batchRateLimitPerSecond(), 1, RateLimits.MAX_PER_SECOND);
    k.range(
        "batch_rate_limit_per_minute", in.batchRateLimitPerMinute(), 1, RateLimits.MAX_PER_MINUTE);
    if (in.esp() != null && !BindingRules.BATCH_LIMIT_ESPS.contains(in.esp())) {
      if (in.batchRateLimitPerSecond() != null) {
        k.add("batch_rate_limit_per_second", "is not used by " + in.esp());
      }
      if (in.batchRateLimitPerMinute() != null) {
        k.add("batch_rate_limit_per_minute", "is not used by " + in.esp());
      }
    }
    if (before.isPresent()
        && in.esp() != null
        && !in.esp().equals(before.get().esp())
        && !queryBindings(ch.c, "WHERE b.account_id = ?", id).isEmpty()) {
      k.add("esp", "cannot change while bindings use this account: their ids are ESP-specific");
    }
    k.throwIfAny();
    String ciphertext =
        credential == null || credential.isEmpty()
            ? before.isPresent() ? storedCiphertext(ch.c, id) : null
            : cipher.encrypt(id, credential);
    EspAccount after =
        new EspAccount(
            id,
            in.name(),
            in.esp(),
            blankToNull(in.apiBaseUrl()),
            null,
            ciphertext != null,
            in.rateLimitPerSecond(),
            in.rateLimitPerMinute(),
            in.batchRateLimitPerSecond(),
            in.batchRateLimitPerMinute(),
            ch.version,
            before.map(EspAccount::createdAt).orElse(ch.now),
            ch.now,
            ch.actor);
    if (before.isEmpty()) {
      requireCreatable(mode, "ESP account", id);
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "INSERT INTO esp_accounts ("
                  + ACCOUNT_COLUMNS
                  + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, id);
        bindAccount(ps, 2, after, ciphertext);
        ps.setObject(9, ts(after.createdAt()));
        ps.setObject(10, ts(ch.now));
        ps.setString(11, ch.actor);
        setInt(ps, 12, after.batchRateLimitPerSecond());
        setInt(ps, 13, after.batchRateLimitPerMinute());
        ps.executeUpdate();
      }
    } else {
      requireUpdatable(mode, "ESP account", id, expected, before.get().version());
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "UPDATE esp_accounts SET name = ?, esp = ?, api_base_url = ?,"
                  + " credential_ciphertext = ?, rate_limit_per_second = ?,"
                  + " rate_limit_per_minute = ?, version = ?, updated_at = ?, updated_by = ?,"
                  + " batch_rate_limit_per_second = ?, batch_rate_limit_per_minute = ?"
                  + " WHERE account_id = ?")) {
        bindAccount(ps, 1, after, ciphertext);
        ps.setObject(8, ts(ch.now));
        ps.setString(9, ch.actor);
        setInt(ps, 10, after.batchRateLimitPerSecond());
        setInt(ps, 11, after.batchRateLimitPerMinute());
        ps.setString(12, id);
        ps.executeUpdate();
      }
    }
    boolean credentialChanged = credential != null && !credential.isEmpty();
    ch.audit(
        ESP_ACCOUNT,
        id,
        before.isEmpty() ? "create" : credentialChanged ? "update_credential" : "update",
        before.orElse(null),
        after);
    // Accounts are not published: the jobs see them only through bindings, by reference, with
    // the account's API root and rate limits copied in; changing those republishes its bindings.
    if (before.isPresent()
        && !(Objects.equals(before.get().rateLimitPerSecond(), after.rateLimitPerSecond())
            && Objects.equals(before.get().rateLimitPerMinute(), after.rateLimitPerMinute())
            && Objects.equals(
                before.get().batchRateLimitPerSecond(), after.batchRateLimitPerSecond())
            && Objects.equals(
                before.get().batchRateLimitPerMinute(), after.batchRateLimitPerMinute())
            && Objects.equals(before.get().apiBaseUrl(), after.apiBaseUrl()))) {
      for (Binding b : queryBindings(ch.c, "WHERE b.account_id = ? AND b.active", id)) {
        republishBinding(ch, b.intentId(), b.channel(), true);
      }
    }
    return after;
  }

  private static void bindAccount(PreparedStatement ps, int i, EspAccount v, String ciphertext)
      throws SQLException {
    ps.setString(i, v.name());
    ps.setString(i + 1, v.esp());
    ps.setString(i + 2, v.apiBaseUrl());
    ps.setString(i + 3, ciphertext);
    setInt(ps, i + 4, v.rateLimitPerSecond());
    setInt(ps, i + 5, v.rateLimitPerMinute());
    ps.setLong(i + 6, v.version());
  }

  private static void checkUrl(Checks k, String url) {
    if (url == null || url.isEmpty()) {
      return;
    }
    k.text("api_base_url", url, MAX_URL_LENGTH, false, false);
    if (!k.ok()) {
      return;
    }
    // The dispatch job checks the same when the URL reaches it with a binding.
    String problem = BindingRules.httpsUrlProblem(url, false);
    if (problem != null) {
      k.add("api_base_url", problem);
    }
  }

  public void deleteEspAccount(Principal who, String id, Long expected) {
    change(
        who,
        ch -> {
          removeEspAccount(ch, id, expected, Mode.UPDATE);
          return null;
        });
  }

  /**
   * Deletes the ESP account inside a change: {@code Mode.UPDATE} checks {@code expected} against
   * its version, {@code Mode.UPSERT} (an import's prune) does not.
   */
  private void removeEspAccount(Change ch, String id, Long expected, Mode mode)
      throws SQLException {
    EspAccount before =
        findAccount(ch.c, id).orElseThrow(() -> ApiException.notFound("ESP account", id));
    requireUpdatable(mode, "ESP account", id, expected, before.version());
    List<String> users =
        queryBindings(ch.c, "WHERE b.account_id = ?", id).stream().map(Binding::bindingId).toList();
    if (!users.isEmpty()) {
      throw ApiException.conflict(
          "ESP account '" + id + "' is still used by bindings " + String.join(", ", users));
    }
    update(ch.c, "DELETE FROM esp_accounts WHERE account_id = ?", id);
    ch.audit(ESP_ACCOUNT, id, "delete", before, null);
  }

  private String storedCiphertext(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT credential_ciphertext FROM esp_accounts WHERE account_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * Every account's decrypted credential by credential reference (the account id): what an operator
   * puts into the dispatch job's secret. Never served over the API.
   */
  public Map<String, String> decryptedCredentials() {
    return db.read(
        c -> {
          Map<String, String> out = new LinkedHashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT account_id, credential_ciphertext FROM esp_accounts"
                          + " WHERE credential_ciphertext IS NOT NULL ORDER BY account_id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), cipher.decrypt(rs.getString(1), rs.getString(2)));
            }
          }
          return out;
        });
  }

  private AccountSettings accountSettings(Connection c, String accountId) throws SQLException {
    return findAccount(c, accountId)
        .map(
            a ->
                new AccountSettings(
                    a.apiBaseUrl() == null || a.apiBaseUrl().isEmpty() ? null : a.apiBaseUrl(),
                    new RateLimits(a.rateLimitPerSecond(), a.rateLimitPerMinute()),
                    new RateLimits(a.batchRateLimitPerSecond(), a.batchRateLimitPerMinute())))
        .orElse(AccountSettings.NONE);
  }

  private Optional<EspAccount> findAccount(Connection c, String id) throws SQLException {
    return queryAccounts(c, "WHERE account_id = ?", id).stream().findFirst();
  }

  private List<EspAccount> queryAccounts(Connection c, String where, String param)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + ACCOUNT_COLUMNS + " FROM esp_accounts " + where + " ORDER BY account_id")) {
      if (param != null) {
        ps.setString(1, param);
      }
      List<EspAccount> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new EspAccount(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  null,
                  rs.getString(5) != null,
                  getInt(rs, 6),
                  getInt(rs, 7),
                  getInt(rs, 12),
                  getInt(rs, 13),
                  rs.getLong(8),
                  instant(rs, 9),
                  instant(rs, 10),
                  rs.getString(11)));
        }
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bindings

  private static final String BINDING_COLUMNS =
      "b.binding_id, b.intent_id, b.account_id, a.esp, b.active, b.metric_name, b.campaign_id,"
          + " b.canvas_id, b.workflow_id, b.event_name, b.transactional_message_id, b.template_id,"
          + " b.notification_id, b.from_email, b.webhook_url, b.channel, b.dry_run, b.version,"
          + " b.created_at, b.updated_at, b.updated_by";

  public List<Binding> bindings(String intentId) {
    return db.read(
        c ->
            intentId == null
                ? queryBindings(c, "", null)
                : queryBindings(c, "WHERE b.intent_id = ?", intentId));
  }

  public Binding binding(String id) {
    return db.read(c -> findBinding(c, id)).orElseThrow(() -> ApiException.notFound("binding", id));
  }

  public Binding putBinding(Principal who, Mode mode, String id, Long expected, Binding in) {
    return change(who, ch -> putBinding(ch, mode, id, expected, in));
  }

  Binding putBinding(Change ch, Mode mode, String id, Long expected, Binding in)
      throws SQLException {
    Checks k = new Checks();
    k.id("binding_id", id);
    k.id("intent_id", in.intentId());
    k.id("account_id", in.accountId());
    k.throwIfAny();
    Optional<Intent> intent = findIntent(ch.c, in.intentId());
    Optional<EspAccount> account = findAccount(ch.c, in.accountId());
    if (intent.isEmpty()) {
      k.add("intent_id", "names no intent");
    }
    if (account.isEmpty()) {
      k.add("account_id", "names no ESP account");
    }
    k.throwIfAny();
    Optional<Binding> before = findBinding(ch.c, id);
    Binding after =
        new Binding(
            id,
            in.intentId(),
            in.accountId(),
            account.get().esp(),
            in.active() == null || in.active(),
            blankToNull(in.metricName()),
            blankToNull(in.campaignId()),
            blankToNull(in.canvasId()),
            blankToNull(in.workflowId()),
            blankToNull(in.eventName()),
            blankToNull(in.transactionalMessageId()),
            blankToNull(in.templateId()),
            blankToNull(in.notificationId()),
            blankToNull(in.fromEmail()),
            blankToNull(in.webhookUrl()),
            blankToNull(in.channel()),
            in.dryRun() != null && in.dryRun(),
            ch.version,
            before.map(Binding::createdAt).orElse(ch.now),
            ch.now,
            ch.actor);
    // The dispatch job's own rules, on exactly the snapshot it would receive.
    for (FieldError e :
        BindingRules.check(
            Snapshots.binding(
                after,
                after.esp(),
                intent.get().maxLatenessSeconds(),
                accountSettings(ch.c, after.accountId())))) {
      String field =
          switch (e.field()) {
            case "account", "credential_ref" -> "account_id";
            default -> e.field();
          };
      k.add(field, e.message());
    }
    k.throwIfAny();
    if (before.isEmpty()) {
      requireCreatable(mode, "binding", id);
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "INSERT INTO bindings (binding_id, intent_id, account_id, active, metric_name,"
                  + " campaign_id, canvas_id, workflow_id, event_name, transactional_message_id,"
                  + " template_id, notification_id, channel, dry_run, version, updated_at,"
                  + " updated_by, from_email, webhook_url, created_at)"
                  + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, id);
        bindBinding(ps, 2, after, ch);
        ps.setObject(20, ts(after.createdAt()));
        ps.executeUpdate();
      }
    } else {
      requireUpdatable(mode, "binding", id, expected, before.get().version());
      try (PreparedStatement ps =
          ch.c.prepareStatement(
              "UPDATE bindings SET intent_id = ?, account_id = ?, active = ?, metric_name = ?,"
                  + " campaign_id = ?, canvas_id = ?, workflow_id = ?, event_name = ?,"
                  + " transactional_message_id = ?, template_id = ?, notification_id = ?,"
                  + " channel = ?, dry_run = ?, version = ?, updated_at = ?, updated_by = ?,"
                  + " from_email = ?, webhook_url = ? WHERE binding_id = ?")) {
        bindBinding(ps, 1, after, ch);
        ps.setString(19, id);
        ps.executeUpdate();
      }
    }
    ch.audit(BINDING, id, before.isEmpty() ? "create" : "update", before.orElse(null), after);
    if (after.active()) {
      // One binding per intent and channel is in force: activating this one retires the others
      // on its channel (the ESP switch); other channels keep theirs.
      for (Binding other :
          queryBindings(ch.c, "WHERE b.intent_id = ? AND b.active", in.intentId())) {
        if (!other.bindingId().equals(id) && channelKey(other).equals(channelKey(after))) {
          deactivate(ch, other);
        }
      }
    }
    boolean wasActive = before.isPresent() && before.get().active();
    boolean sameKey = before.isPresent() && channelKey(before.get()).equals(channelKey(after));
    if (wasActive && !sameKey) {
      republishBinding(ch, before.get().intentId(), before.get().channel(), true);
    }
    if (after.active() || (wasActive && sameKey)) {
      republishBinding(ch, after.intentId(), after.channel(), wasActive && sameKey);
    }
    return after;
  }

  /** Binds intent_id .. updated_by, from_email, webhook_url (18 parameters) from {@code i}. */
  private static void bindBinding(PreparedStatement ps, int i, Binding v, Change ch)
      throws SQLException {
    ps.setString(i, v.intentId());
    ps.setString(i + 1, v.accountId());
    ps.setBoolean(i + 2, v.active());
    ps.setString(i + 3, v.metricName());
    ps.setString(i + 4, v.campaignId());
    ps.setString(i + 5, v.canvasId());
    ps.setString(i + 6, v.workflowId());
    ps.setString(i + 7, v.eventName());
    ps.setString(i + 8, v.transactionalMessageId());
    ps.setString(i + 9, v.templateId());
    ps.setString(i + 10, v.notificationId());
    ps.setString(i + 11, v.channel());
    ps.setBoolean(i + 12, v.dryRun());
    ps.setLong(i + 13, v.version());
    ps.setObject(i + 14, ts(ch.now));
    ps.setString(i + 15, ch.actor);
    ps.setString(i + 16, v.fromEmail());
    ps.setString(i + 17, v.webhookUrl());
  }

  private void deactivate(Change ch, Binding b) throws SQLException {
    try (PreparedStatement ps =
        ch.c.prepareStatement(
            "UPDATE bindings SET active = FALSE, version = ?, updated_at = ?, updated_by = ?"
                + " WHERE binding_id = ?")) {
      ps.setLong(1, ch.version);
      ps.setObject(2, ts(ch.now));
      ps.setString(3, ch.actor);
      ps.setString(4, b.bindingId());
      ps.executeUpdate();
    }
    ch.audit(BINDING, b.bindingId(), "deactivate", b, findBinding(ch.c, b.bindingId()).get());
  }

  public void deleteBinding(Principal who, String id, Long expected) {
    change(
        who,
        ch -> {
          removeBinding(ch, id, expected, Mode.UPDATE);
          return null;
        });
  }

  /**
   * Deletes the binding inside a change: {@code Mode.UPDATE} checks {@code expected} against its
   * version, {@code Mode.UPSERT} (an import's prune) does not.
   */
  private void removeBinding(Change ch, String id, Long expected, Mode mode) throws SQLException {
    Binding before = findBinding(ch.c, id).orElseThrow(() -> ApiException.notFound("binding", id));
    requireUpdatable(mode, "binding", id, expected, before.version());
    update(ch.c, "DELETE FROM bindings WHERE binding_id = ?", id);
    ch.audit(BINDING, id, "delete", before, null);
    if (before.active()) {
      republishBinding(ch, before.intentId(), before.channel(), true);
    }
  }

  /** The config key the binding is published under: the intent id, or intent/channel. */
  private static String channelKey(Binding b) {
    return IntentBinding.channelKey(b.intentId(), b.channel());
  }

  /**
   * Publishes the intent's binding on one channel as the dispatch job keys it ({@code
   * intent_binding:<intent>} for the default channel, {@code intent_binding:<intent>#<channel>}):
   * the channel's active binding's snapshot, or a tombstone when none is active but one was
   * published.
   */
  private void republishBinding(Change ch, String intentId, String channel, boolean wasPublished)
      throws SQLException {
    String key = IntentBinding.channelKey(intentId, channel);
    Optional<Intent> intent = findIntent(ch.c, intentId);
    Optional<Binding> active =
        queryBindings(ch.c, "WHERE b.intent_id = ? AND b.active", intentId).stream()
            .filter(b -> channelKey(b).equals(key))
            .findFirst();
    if (active.isPresent() && intent.isPresent()) {
      Binding b = active.get();
      ch.publish(
          IntentBinding.ENTITY_TYPE,
          key,
          Snapshots.binding(
              b, b.esp(), intent.get().maxLatenessSeconds(), accountSettings(ch.c, b.accountId())));
    } else if (wasPublished) {
      ch.publish(IntentBinding.ENTITY_TYPE, key, null);
    }
  }

  private Optional<Binding> findBinding(Connection c, String id) throws SQLException {
    return queryBindings(c, "WHERE b.binding_id = ?", id).stream().findFirst();
  }

  private List<Binding> queryBindings(Connection c, String where, String param)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + BINDING_COLUMNS
                + " FROM bindings b JOIN esp_accounts a ON a.account_id = b.account_id "
                + where
                + " ORDER BY b.binding_id")) {
      if (param != null) {
        ps.setString(1, param);
      }
      List<Binding> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Binding(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getBoolean(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getString(11),
                  rs.getString(12),
                  rs.getString(13),
                  rs.getString(14),
                  rs.getString(15),
                  rs.getString(16),
                  rs.getBoolean(17),
                  rs.getLong(18),
                  instant(rs, 19),
                  instant(rs, 20),
                  rs.getString(21)));
        }
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Export and import

  public ConfigExport export() {
    return db.inTransaction(
        c -> {
          long version;
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT config_version FROM config_state WHERE id = 1");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            version = rs.getLong(1);
          }
          return new ConfigExport(
              ConfigExport.FORMAT,
              version,
              clock.instant(),
              queryIntents(c, "", null),
              queryMappings(c, "", null),
              queryAccounts(c, "", null),
              queryBindings(c, "", null));
        });
  }

  /** An import that leaves entities missing from the file alone. */
  public Status importConfig(Principal who, ConfigExport file) {
    return importConfig(who, file, false);
  }

  /**
   * Applies a whole config file in one change: every entity in it is created or replaced (its
   * {@code version} is ignored: the file is the reviewed truth). Accounts keep their stored
   * credentials; new ones start without.
   *
   * @param prune also delete every entity missing from the file (bindings first, then mappings,
   *     intents and accounts, so nothing is deleted from under what uses it), which makes the
   *     stored config exactly the file's
   */
  public Status importConfig(Principal who, ConfigExport file, boolean prune) {
    if (file.formatVersion() != null && file.formatVersion() != ConfigExport.FORMAT) {
      throw ApiException.invalid("format_version", "must be " + ConfigExport.FORMAT);
    }
    change(
        who,
        ch -> {
          List<Intent> intents = nonNull(file.intents());
          for (int i = 0; i < intents.size(); i++) {
            Intent e = intents.get(i);
            at("intents", i, () -> putIntent(ch, Mode.UPSERT, e.intentId(), null, e));
          }
          List<EspAccount> accounts = nonNull(file.espAccounts());
          for (int i = 0; i < accounts.size(); i++) {
            EspAccount e = accounts.get(i);
            at(
                "esp_accounts",
                i,
                () -> putEspAccount(ch, Mode.UPSERT, e.accountId(), null, e, false));
          }
          List<SignalMapping> mappings = nonNull(file.signalMappings());
          for (int i = 0; i < mappings.size(); i++) {
            SignalMapping e = mappings.get(i);
            at(
                "signal_mappings",
                i,
                () -> putSignalMapping(ch, Mode.UPSERT, e.mappingId(), null, e));
          }
          List<Binding> bindings = nonNull(file.bindings());
          for (int i = 0; i < bindings.size(); i++) {
            Binding e = bindings.get(i);
            at("bindings", i, () -> putBinding(ch, Mode.UPSERT, e.bindingId(), null, e));
          }
          if (prune) {
            Set<String> keep = new HashSet<>();
            bindings.forEach(e -> keep.add(e.bindingId()));
            for (Binding e : queryBindings(ch.c, "", null)) {
              if (!keep.contains(e.bindingId())) {
                removeBinding(ch, e.bindingId(), null, Mode.UPSERT);
              }
            }
            keep.clear();
            mappings.forEach(e -> keep.add(e.mappingId()));
            for (SignalMapping e : queryMappings(ch.c, "", null)) {
              if (!keep.contains(e.mappingId())) {
                removeSignalMapping(ch, e.mappingId(), null, Mode.UPSERT);
              }
            }
            keep.clear();
            intents.forEach(e -> keep.add(e.intentId()));
            for (Intent e : queryIntents(ch.c, "", null)) {
              if (!keep.contains(e.intentId())) {
                removeIntent(ch, e.intentId(), null, Mode.UPSERT);
              }
            }
            keep.clear();
            accounts.forEach(e -> keep.add(e.accountId()));
            for (EspAccount e : queryAccounts(ch.c, "", null)) {
              if (!keep.contains(e.accountId())) {
                removeEspAccount(ch, e.accountId(), null, Mode.UPSERT);
              }
            }
          }
          return null;
        });
    return status();
  }

  /** Runs one entity of an import, prefixing its field errors with where it is in the file. */
  private static void at(String list, int index, ChangeStep step) throws SQLException {
    try {
      step.run();
    } catch (ApiException e) {
      if (e.fields().isEmpty()) {
        throw new ApiException(e.status(), e.code(), list + "[" + index + "]: " + e.getMessage());
      }
      throw ApiException.invalid(
          e.fields().stream()
              .map(f -> new FieldError(list + "[" + index + "]." + f.field(), f.message()))
              .toList());
    }
  }

  @FunctionalInterface
  private interface ChangeStep {
    void run() throws SQLException;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  // ---------------------------------------------------------------------------------------------
  // Audit

  public List<AuditEntry> audit(String entityType, String entityId, Long beforeId, int limit) {
    StringBuilder where = new StringBuilder("WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (entityType != null) {
      where.append(" AND entity_type = ?");
      params.add(entityType);
    }
    if (entityId != null) {
      where.append(" AND entity_id = ?");
      params.add(entityId);
    }
    if (beforeId != null) {
      where.append(" AND audit_id < ?");
      params.add(beforeId);
    }
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT audit_id, config_version, entity_type, entity_id, action, actor,"
                      + " changed_at, before_json, after_json FROM audit_log "
                      + where
                      + " ORDER BY audit_id DESC LIMIT ?")) {
            int i = 1;
            for (Object p : params) {
              ps.setObject(i++, p);
            }
            ps.setInt(i, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new AuditEntry(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        instant(rs, 7),
                        json(rs.getString(8)),
                        json(rs.getString(9))));
              }
            }
            return out;
          }
        });
  }

  private static Object json(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Contracts.mapper().readTree(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("audit row is not JSON", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // API tokens

  public Optional<Principal> authenticate(String token) {
    if (token == null || !token.startsWith(TokenHashes.PREFIX) || token.length() > 100) {
      return Optional.empty();
    }
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT token_id, name, role FROM api_tokens WHERE token_hash = ?"
                      + " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)")) {
            ps.setString(1, TokenHashes.hash(token));
            ps.setObject(2, ts(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new Principal(
                          rs.getString(1), rs.getString(2), Role.fromWire(rs.getString(3))))
                  : Optional.empty();
            }
          }
        });
  }

  /** The longest a token may be issued for: long-lived secrets are rotated, not kept. */
  static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(730);

  /**
   * Creates a token that never expires; see {@link #createToken(Principal, String, Role, Instant)}.
   */
  public ApiToken createToken(Principal who, String name, Role role) {
    return createToken(who, name, role, null);
  }

  /**
   * Creates a token; the returned record is the only place its value ever appears.
   *
   * @param expiresAt after this it authenticates no more; null for never
   */
  public ApiToken createToken(Principal who, String name, Role role, Instant expiresAt) {
    Checks k = new Checks();
    k.text("name", name, Checks.MAX_ID, true, false);
    Instant now = clock.instant();
    if (expiresAt != null
        && (!expiresAt.isAfter(now) || expiresAt.isAfter(now.plus(MAX_TOKEN_LIFETIME)))) {
      k.add(
          "expires_at",
          "must be in the future and at most " + MAX_TOKEN_LIFETIME.toDays() + " days away");
    }
    k.throwIfAny();
    String token = TokenHashes.newToken();
    String id = TokenHashes.newId();
    return change(
        who,
        ch -> {
          try (PreparedStatement ps =
              ch.c.prepareStatement(
                  "INSERT INTO api_tokens (token_id, name, role, token_hash, created_at,"
                      + " created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setString(3, role.wire());
            ps.setString(4, TokenHashes.hash(token));
            ps.setObject(5, ts(ch.now));
            ps.setString(6, ch.actor);
            ps.setObject(7, expiresAt == null ? null : ts(expiresAt));
            ps.executeUpdate();
          }
          ApiToken listed =
              new ApiToken(id, name, role.wire(), ch.now, ch.actor, null, expiresAt, null);
          ch.audit(API_TOKEN, id, "create", null, listed);
          return new ApiToken(id, name, role.wire(), ch.now, ch.actor, null, expiresAt, token);
        });
  }

  public List<ApiToken> tokens() {
    return db.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT token_id, name, role, created_at, created_by, revoked_at,"
                          + " expires_at FROM api_tokens ORDER BY created_at, token_id");
              ResultSet rs = ps.executeQuery()) {
            List<ApiToken> out = new ArrayList<>();
            while (rs.next()) {
              out.add(
                  new ApiToken(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      instant(rs, 4),
                      rs.getString(5),
                      instant(rs, 6),
                      instant(rs, 7),
                      null));
            }
            return out;
          }
        });
  }

  public void revokeToken(Principal who, String tokenId) {
    change(
        who,
        ch -> {
          int n;
          try (PreparedStatement ps =
              ch.c.prepareStatement(
                  "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL")) {
            ps.setObject(1, ts(ch.now));
            ps.setString(2, tokenId);
            n = ps.executeUpdate();
          }
          if (n == 0) {
            throw ApiException.notFound("active API token", tokenId);
          }
          ch.audit(API_TOKEN, tokenId, "revoke", null, null);
          return null;
        });
  }

  /**
   * Creates an admin token when no active one exists (the first start of a fresh database).
   *
   * @return the new token, to be shown once, or empty when an admin token exists
   */
  public Optional<String> bootstrapAdminToken() {
    boolean hasAdmin =
        db.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT COUNT(*) FROM api_tokens WHERE role = ? AND revoked_at IS NULL"
                          + " AND (expires_at IS NULL OR expires_at > ?)")) {
                ps.setString(1, Role.ADMIN.wire());
                ps.setObject(2, ts(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getLong(1) > 0;
                }
              }
            });
    if (hasAdmin) {
      return Optional.empty();
    }
    Principal system = new Principal("system", "system", Role.ADMIN);
    return Optional.of(createToken(system, "bootstrap-admin", Role.ADMIN).token());
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static void requireCreatable(Mode mode, String what, String id) {
    if (mode == Mode.UPDATE) {
      throw ApiException.notFound(what, id);
    }
  }

  private static void requireUpdatable(
      Mode mode, String what, String id, Long expected, long current) {
    if (mode == Mode.CREATE) {
      throw ApiException.conflict(what + " '" + id + "' already exists");
    }
    if (mode == Mode.UPDATE && (expected == null || expected != current)) {
      throw ApiException.versionConflict(what, id, expected == null ? -1 : expected, current);
    }
  }

  private static ConfigChange probe(String type, String id, Map<String, Object> snapshot) {
    return new ConfigChange(type, id, 1, Instant.EPOCH, false, snapshot);
  }

  private static void putIfSet(Map<String, Object> s, String key, Object value) {
    if (value != null) {
      s.put(key, value);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void update(Connection c, String sql, String param) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      ps.executeUpdate();
    }
  }

  private static OffsetDateTime ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  private static Integer getInt(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }
}
