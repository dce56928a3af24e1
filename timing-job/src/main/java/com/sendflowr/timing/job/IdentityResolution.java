package com.sendflowr.timing.job;

import java.util.List;

/**
 * How a record's recipient was named, kept so every decision can say which identity it was made for
 * and why.
 *
 * @param universalId the id the record is keyed by
 * @param method {@code given} (the record carried a universal id), {@code deterministic} (derived
 *     from a hashed e-mail or an E.164 phone), {@code alias} (an ESP or commerce id linked
 *     earlier), {@code provisional} (an alias not linked yet)
 * @param viaKey the identity key (name:value) the id came from, or null when given
 * @param aliases aliases this record linked to the id
 */
public record IdentityResolution(
    String universalId, String method, String viaKey, List<String> aliases) {

  public IdentityResolution {
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  public static IdentityResolution given(String universalId) {
    return new IdentityResolution(universalId, "given", null, List.of());
  }
}
