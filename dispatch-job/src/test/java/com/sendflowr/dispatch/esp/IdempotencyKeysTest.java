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
}
