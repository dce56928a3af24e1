package com.sendflowr.timing.job.identity;

import com.sendflowr.timing.job.IdentityResolution;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules that name a recipient from a record's identity keys. Pure: no Flink, no state.
 *
 * <p>Ids have a strength, and a key can only ever be linked to a strictly stronger id than its own.
 * Ordered by strength, then by the id's text: every key converges on the same best id whatever
 * order links arrive in, and merges (from a key's own id into the stronger one) always go one way,
 * so a chain of merges ends and never cycles.
 *
 * <table>
 *   <caption>Ids by strength, weakest first</caption>
 *   <tr><th>strength</th><th>id</th><th>from</th></tr>
 *   <tr><td>{@link Strength#PROVISIONAL}</td><td>{@code alias:<name>:<value>}</td>
 *       <td>an ESP or commerce id not linked yet</td></tr>
 *   <tr><td>{@link Strength#PHONE}</td><td>{@code phone:<sha256 of the E.164 number>}</td>
 *       <td>{@code phone_e164}</td></tr>
 *   <tr><td>{@link Strength#EMAIL}</td><td>{@code email:<sha256>}</td>
 *       <td>{@code email_sha256}</td></tr>
 *   <tr><td>{@link Strength#GIVEN}</td><td>the {@code universal_id} as sent</td>
 *       <td>the brand</td></tr>
 * </table>
 *
 * <p>The phone is hashed so that a raw number never becomes a recipient id: ids travel as Kafka
 * keys, on every decision and into the explanation store, where an e-mail address only ever appears
 * hashed. This is pseudonymisation, not secrecy (the number space is small enough to enumerate).
 */
public final class IdentityKeys {
  public static final String EMAIL = "email_sha256";
  public static final String PHONE = "phone_e164";

  /** A record names at most this many identity keys (the contract's limit). */
  public static final int MAX_KEYS = 16;

  /** Longest id or key part accepted (the contract's limit for ids). */
  public static final int MAX_LENGTH = 256;

  static final String EMAIL_PREFIX = "email:";
  static final String PHONE_PREFIX = "phone:";
  static final String ALIAS_PREFIX = "alias:";

  /** Routing keys of records that carry their universal id; never linked, so never stateful. */
  static final String GIVEN_ROUTE_PREFIX = "uid:";

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  // Same rule as the contract's parse-time check; repeated here because ids derive from it.
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final Pattern PHONE_SEPARATORS = Pattern.compile("[ .()\\-]");

  /** Strongest last. */
  public enum Strength {
    PROVISIONAL("provisional"),
    PHONE("phone"),
    EMAIL("email"),
    GIVEN("given");

    private final String wire;

    Strength(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** Strength first, then the id's text: a total order, so the best of any set is well defined. */
  public static final Comparator<String> PRECEDENCE =
      Comparator.comparing(IdentityKeys::strengthOf).thenComparing(Comparator.naturalOrder());

  private IdentityKeys() {}

  /** Thrown for an identity the rules cannot name; the caller dead-letters the record. */
  public static final class InvalidIdentity extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidIdentity(String message) {
      super(message);
    }
  }

  /**
   * One identity key of a record.
   *
   * @param name the key's name, e.g. {@code klaviyo_profile_id}
   * @param value normalised: a lower-case hash for e-mail, a bare E.164 number for phone
   * @param id the id this key names on its own (its fallback until linked to a stronger one); also
   *     the routing key its state lives under
   * @param strength of {@link #id}
   * @param display how the key appears in explanations and merges: the phone number as its hash
   */
  public record Key(String name, String value, String id, Strength strength, String display) {}

  /**
   * What a record's identity keys say before any state is consulted.
   *
   * @param route the routing key the record itself is resolved under
   * @param id the id the keys name on their own: the given universal id, a deterministic id, or the
   *     provisional id of the first alias
   * @param method how {@link #id} was named, as recorded in {@link IdentityResolution}
   * @param viaKey the key the id came from, shown in explanations; null when given, unless the
   *     given id is an echoed derived one
   * @param linked keys to link to {@link #id} (only when the id is known without state)
   */
  public record Plan(String route, String id, String method, String viaKey, List<Key> linked) {
    public Plan {
      linked = List.copyOf(linked);
    }

    /** Whether the id is the record's own universal id, which no state can override. */
    public boolean given() {
      return IdentityResolution.GIVEN.equals(method);
    }
  }

  /**
   * The primary key and the links of one record. An explicit universal id wins; else a hashed
   * e-mail; else an E.164 phone; else the first other key in name order, provisionally. Every other
   * key that is weaker than the record's id is linked to it, but only when that id is known without
   * state: an alias-only record does not know who it is until a link says so.
   *
   * @throws InvalidIdentity for a malformed key or id, or more than {@link #MAX_KEYS} keys
   */
  public static Plan plan(String universalId, Map<String, String> identityKeys) {
    Map<String, String> keys = identityKeys == null ? Map.of() : identityKeys;
    if (keys.size() > MAX_KEYS) {
      throw new InvalidIdentity(
          "a record names " + keys.size() + " identity keys, at most " + MAX_KEYS + " allowed");
    }
    // Name order makes the choice of the primary alias the same for every producer.
    List<Key> all = new ArrayList<>(keys.size());
    for (Map.Entry<String, String> e : new TreeMap<>(keys).entrySet()) {
      all.add(key(e.getKey(), e.getValue()));
    }
    boolean given = universalId != null && !universalId.isEmpty();
    if (given) {
      requireWellFormed("universal_id", universalId);
      // An id a producer echoes back from a decision (a delivery signal) is a key's own id: it is
      // resolved under that key, so it follows the key's link like the key itself would.
      boolean echoed = strengthOf(universalId) != Strength.GIVEN;
      return new Plan(
          echoed ? universalId : GIVEN_ROUTE_PREFIX + universalId,
          universalId,
          IdentityResolution.GIVEN,
          echoed ? "universal_id:" + universalId : null,
          weakerThan(universalId, all));
    }
    if (all.isEmpty()) {
      throw new InvalidIdentity("the record names no recipient");
    }
    Key primary = all.stream().max(Comparator.comparing(Key::id, PRECEDENCE)).orElseThrow();
    if (primary.strength() == Strength.PROVISIONAL) {
      primary = all.get(0);
      return new Plan(
          primary.id(), primary.id(), IdentityResolution.PROVISIONAL, primary.display(), List.of());
    }
    return new Plan(
        primary.id(),
        primary.id(),
        IdentityResolution.DETERMINISTIC,
        primary.display(),
        weakerThan(primary.id(), all));
  }

  private static List<Key> weakerThan(String id, List<Key> keys) {
    Strength s = strengthOf(id);
    return keys.stream().filter(k -> k.strength().compareTo(s) < 0).toList();
  }

  /**
   * Validates and normalises one identity key.
   *
   * @throws InvalidIdentity for a malformed name or value
   */
  public static Key key(String name, String value) {
    // A name holds no ':' so that "name:value" splits one way only: no two keys share a route.
    if (name == null || name.isEmpty() || name.indexOf(':') >= 0) {
      throw new InvalidIdentity("an identity key name must be non-empty and hold no ':'");
    }
    requireWellFormed("identity key name", name);
    if (value == null || value.isEmpty()) {
      throw new InvalidIdentity("identity key '" + name + "' is empty");
    }
    requireWellFormed("identity key '" + name + "'", value);
    switch (name) {
      case EMAIL -> {
        String hash = value.toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(hash).matches()) {
          throw new InvalidIdentity("'" + EMAIL + "' must be 64 hex digits (a SHA-256)");
        }
        return new Key(name, hash, EMAIL_PREFIX + hash, Strength.EMAIL, EMAIL + ":" + hash);
      }
      case PHONE -> {
        String phone = normalisePhone(value);
        String hash = sha256Hex(phone);
        return new Key(name, phone, PHONE_PREFIX + hash, Strength.PHONE, PHONE + ":sha256:" + hash);
      }
      default -> {
        return new Key(
            name,
            value,
            ALIAS_PREFIX + name + ":" + value,
            Strength.PROVISIONAL,
            name + ":" + value);
      }
    }
  }

  /**
   * An E.164 number with visual separators removed.
   *
   * @throws InvalidIdentity when the result is not {@code +} and 7 to 15 digits
   */
  public static String normalisePhone(String raw) {
    String phone = PHONE_SEPARATORS.matcher(raw).replaceAll("");
    if (!E164.matcher(phone).matches()) {
      throw new InvalidIdentity("'" + PHONE + "' must be E.164: '+' and 7 to 15 digits");
    }
    return phone;
  }

  /**
   * The strength of an id. Read from its prefix, so an id a producer echoes back (a decision's
   * universal id on a delivery signal) keeps the strength it was derived with; any other text is a
   * brand's own universal id.
   */
  public static Strength strengthOf(String id) {
    if (id.startsWith(EMAIL_PREFIX) && isHash(id, EMAIL_PREFIX.length())) {
      return Strength.EMAIL;
    }
    if (id.startsWith(PHONE_PREFIX) && isHash(id, PHONE_PREFIX.length())) {
      return Strength.PHONE;
    }
    if (id.startsWith(ALIAS_PREFIX)) {
      return Strength.PROVISIONAL;
    }
    return Strength.GIVEN;
  }

  private static boolean isHash(String id, int from) {
    return SHA256_HEX.matcher(id).region(from, id.length()).matches();
  }

  /**
   * Whether a link of a key to {@code candidate} may be kept: only towards a strictly stronger id
   * than the key's own, which is what makes merges one-way.
   */
  public static boolean mayLink(String keyId, String candidate) {
    return strengthOf(candidate).compareTo(strengthOf(keyId)) > 0;
  }

  /**
   * Rejects what would change between the two sides of a keyBy or break the audit trail: lone
   * UTF-16 surrogates (serialised as '?'), control characters, overlong text.
   */
  static void requireWellFormed(String what, String s) {
    if (s.length() > MAX_LENGTH) {
      throw new InvalidIdentity(what + " is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidIdentity(what + " holds a lone UTF-16 surrogate");
      } else if (Character.isISOControl(c)) {
        throw new InvalidIdentity(what + " holds a control character");
      }
    }
  }

  static String sha256Hex(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
