package com.sendflowr.timing.job;

import java.time.Instant;
import java.util.List;

/**
 * How a record's recipient was named, kept so every decision can say which identity it was made for
 * and why.
 *
 * @param universalId the id the record is keyed by
 * @param method {@code given} (the record carried a universal id), {@code deterministic} (derived
 *     from a hashed e-mail or an E.164 phone), {@code alias} (the key was linked earlier to a
 *     stronger id: an ESP or commerce id, or a phone or e-mail claimed by a stronger id), {@code
 *     provisional} (an alias not linked yet)
 * @param viaKey the identity key (name:value; a phone as its hash) the id came from, or null when
 *     given
 * @param aliases keys this record linked to the id (name:value; a phone as its hash)
 * @param linkedBy for {@code alias}: the record whose link named the id
 * @param linkedAt for {@code alias}: when that record made the link
 */
public record IdentityResolution(
    String universalId,
    String method,
    String viaKey,
    List<String> aliases,
    String linkedBy,
    Instant linkedAt) {
  public static final String GIVEN = "given";
  public static final String DETERMINISTIC = "deterministic";
  public static final String ALIAS = "alias";
  public static final String PROVISIONAL = "provisional";

  public IdentityResolution {
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  public IdentityResolution(
      String universalId, String method, String viaKey, List<String> aliases) {
    this(universalId, method, viaKey, aliases, null, null);
  }

  public static IdentityResolution given(String universalId) {
    return new IdentityResolution(universalId, GIVEN, null, List.of());
  }
}
