package com.sendflowr.dispatch.esp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

  @Test
  void theKeyIsDeterministicInDecisionAndBinding() {
    assertThat(IdempotencyKeys.of("dec-1", "promo_jan@klaviyo"))
        .isEqualTo(IdempotencyKeys.of("dec-1", "promo_jan@klaviyo"))
        .startsWith("sf-")
        .matches("sf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void anotherBindingOrAnotherDecisionIsAnotherKey() {
    String key = IdempotencyKeys.of("dec-1", "promo_jan@klaviyo");
    assertThat(IdempotencyKeys.of("dec-1", "promo_jan@braze")).isNotEqualTo(key);
    assertThat(IdempotencyKeys.of("dec-2", "promo_jan@klaviyo")).isNotEqualTo(key);
    assertThat(IdempotencyKeys.of("promo_jan@klaviyo", "dec-1")).isNotEqualTo(key);
  }

  @Test
  void theUlidFormIsAValidDeterministicUlidWithTheGivenTime() {
    java.time.Instant t = java.time.Instant.parse("2026-01-05T09:39:58.123Z");
    String ulid = IdempotencyKeys.ulid("sf-key-1", t);
    assertThat(ulid)
        .hasSize(26)
        .matches("[0-7][0-9A-HJKMNP-TV-Z]{25}")
        .isEqualTo(IdempotencyKeys.ulid("sf-key-1", t))
        .isNotEqualTo(IdempotencyKeys.ulid("sf-key-2", t));
    // The first 10 characters are the 48-bit millisecond time, as ULIDs sort by time.
    long millis = 0;
    for (char ch : ulid.substring(0, 10).toCharArray()) {
      millis = millis * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(ch);
    }
    assertThat(millis).isEqualTo(t.toEpochMilli());
  }
}
