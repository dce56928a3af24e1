package com.sendflowr.timing.job.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.identity.IdentityKeys.Key;
import com.sendflowr.timing.job.identity.IdentityKeys.Plan;
import com.sendflowr.timing.job.identity.IdentityKeys.Strength;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityKeysTest {
  static final String EMAIL_HASH = "a".repeat(64);
  static final String PHONE = "+14155550100";
  // sha256("+14155550100"), computed with sha256sum
  static final String PHONE_HASH =
      "40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0";

  @Test
  void anExplicitUniversalIdWinsAndLinksEveryOtherKey() {
    Plan p =
        IdentityKeys.plan(
            "u-42",
            Map.of(
                "email_sha256", EMAIL_HASH,
                "phone_e164", PHONE,
                "klaviyo_profile_id", "01HX"));
    assertThat(p.id()).isEqualTo("u-42");
    assertThat(p.method()).isEqualTo(IdentityResolution.GIVEN);
    assertThat(p.route()).isEqualTo("uid:u-42");
    assertThat(p.viaKey()).isNull();
    assertThat(p.linked())
        .as("in key name order")
        .extracting(Key::id)
        .containsExactly(
            "email:" + EMAIL_HASH, "alias:klaviyo_profile_id:01HX", "phone:" + PHONE_HASH);
  }

  @Test
  void aHashedEmailOutranksAPhoneWhichOutranksAnyAlias() {
    Plan both =
        IdentityKeys.plan(
            null,
            Map.of("phone_e164", PHONE, "email_sha256", EMAIL_HASH, "shopify_customer_id", "7"));
    assertThat(both.id()).isEqualTo("email:" + EMAIL_HASH);
    assertThat(both.route()).isEqualTo(both.id());
    assertThat(both.method()).isEqualTo(IdentityResolution.DETERMINISTIC);
    assertThat(both.viaKey()).isEqualTo("email_sha256:" + EMAIL_HASH);
    assertThat(both.linked())
        .extracting(Key::strength)
        .containsExactlyInAnyOrder(Strength.PHONE, Strength.PROVISIONAL);

    Plan phone = IdentityKeys.plan(null, Map.of("phone_e164", PHONE, "shopify_customer_id", "7"));
    assertThat(phone.id()).startsWith("phone:");
    assertThat(phone.method()).isEqualTo(IdentityResolution.DETERMINISTIC);
    assertThat(phone.linked()).extracting(Key::id).containsExactly("alias:shopify_customer_id:7");
  }

  @Test
  void aliasOnlyRecordsAreProvisionalUnderTheirFirstKeyInNameOrderAndLinkNothing() {
    Plan p =
        IdentityKeys.plan(null, Map.of("shopify_customer_id", "7", "klaviyo_profile_id", "01HX"));
    assertThat(p.id()).isEqualTo("alias:klaviyo_profile_id:01HX");
    assertThat(p.method()).isEqualTo(IdentityResolution.PROVISIONAL);
    assertThat(p.viaKey()).isEqualTo("klaviyo_profile_id:01HX");
    assertThat(p.linked()).isEmpty();
  }

  @Test
  void deterministicIdsAreStableAcrossRunsAndKeyOrder() {
    assertThat(IdentityKeys.key("phone_e164", PHONE).id()).isEqualTo("phone:" + PHONE_HASH);
    assertThat(IdentityKeys.key("email_sha256", EMAIL_HASH.toUpperCase()).id())
        .isEqualTo("email:" + EMAIL_HASH);

    List<Map.Entry<String, String>> entries =
        new ArrayList<>(
            List.of(
                Map.entry("zeta_id", "z"),
                Map.entry("alpha_id", "a"),
                Map.entry("mid_id", "m"),
                Map.entry("beta_id", "b")));
    Plan first = null;
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(entries);
      Map<String, String> keys = new HashMap<>();
      entries.forEach(e -> keys.put(e.getKey(), e.getValue()));
      Plan p = IdentityKeys.plan(null, keys);
      if (first == null) {
        first = p;
      }
      assertThat(p).isEqualTo(first);
    }
    assertThat(first.id()).isEqualTo("alias:alpha_id:a");
  }

  @Test
  void phonesAreValidatedAsE164AndNormalisedBeforeHashing() {
    assertThat(IdentityKeys.normalisePhone("+1 (415) 555-0100")).isEqualTo(PHONE);
    assertThat(IdentityKeys.key("phone_e164", "+1 415.555.0100").id())
        .isEqualTo(IdentityKeys.key("phone_e164", PHONE).id());
    assertThat(IdentityKeys.key("phone_e164", PHONE).display())
        .isEqualTo("phone_e164:sha256:" + PHONE_HASH)
        .doesNotContain("4155550100");
    for (String bad :
        List.of("14155550100", "+0415555010", "+123456", "+1234567890123456", "+1415x550100")) {
      assertThatThrownBy(() -> IdentityKeys.key("phone_e164", bad))
          .as(bad)
          .isInstanceOf(IdentityKeys.InvalidIdentity.class)
          .hasMessageContaining("E.164")
          .hasMessageNotContaining(bad);
    }
    assertThat(IdentityKeys.normalisePhone("+1234567")).isEqualTo("+1234567");
    assertThat(IdentityKeys.normalisePhone("+123456789012345")).isEqualTo("+123456789012345");
  }

  @Test
  void hostileKeysAreRejected() {
    assertThatThrownBy(() -> IdentityKeys.key("email_sha256", "not-a-hash"))
        .isInstanceOf(IdentityKeys.InvalidIdentity.class);
    assertThatThrownBy(() -> IdentityKeys.key("klaviyo:profile", "x")).hasMessageContaining("':'");
    assertThatThrownBy(() -> IdentityKeys.key("", "x")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> IdentityKeys.key("esp_id", "")).hasMessageContaining("empty");
    assertThatThrownBy(() -> IdentityKeys.key("esp_id", "a\uD800b"))
        .hasMessageContaining("surrogate");
    assertThatThrownBy(() -> IdentityKeys.key("esp_id", "a\u0000b"))
        .hasMessageContaining("control");
    assertThatThrownBy(() -> IdentityKeys.plan("u\uDC00", Map.of()))
        .hasMessageContaining("surrogate");
    assertThatThrownBy(() -> IdentityKeys.plan(null, Map.of()))
        .hasMessageContaining("no recipient");
    assertThatThrownBy(() -> IdentityKeys.key("esp_id", "x".repeat(257)))
        .hasMessageContaining("longer");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 17; i++) {
      many.put("esp_" + i, "v");
    }
    assertThatThrownBy(() -> IdentityKeys.plan(null, many)).hasMessageContaining("17");
    // A well-formed pair of surrogates (an emoji) is fine.
    assertThat(IdentityKeys.key("esp_id", "a\uD83D\uDE00").id()).isEqualTo("alias:esp_id:a😀");
  }

  @Test
  void aKeyMayOnlyBeLinkedToAStrictlyStrongerId() {
    String alias = IdentityKeys.key("esp_id", "1").id();
    String phone = IdentityKeys.key("phone_e164", PHONE).id();
    String email = IdentityKeys.key("email_sha256", EMAIL_HASH).id();
    List<String> byStrength = List.of(alias, phone, email, "u-42");
    for (int i = 0; i < byStrength.size(); i++) {
      for (int j = 0; j < byStrength.size(); j++) {
        assertThat(IdentityKeys.mayLink(byStrength.get(i), byStrength.get(j)))
            .as(byStrength.get(i) + " -> " + byStrength.get(j))
            .isEqualTo(j > i);
      }
    }
    assertThat(IdentityKeys.mayLink(email, email)).isFalse();
    assertThat(IdentityKeys.mayLink(email, "email:" + "b".repeat(64))).isFalse();
  }

  @Test
  void echoedIdsKeepTheStrengthTheyWereDerivedWith() {
    String email = "email:" + EMAIL_HASH;
    assertThat(IdentityKeys.strengthOf(email)).isEqualTo(Strength.EMAIL);
    assertThat(IdentityKeys.strengthOf("phone:" + PHONE_HASH)).isEqualTo(Strength.PHONE);
    assertThat(IdentityKeys.strengthOf("alias:esp_id:1")).isEqualTo(Strength.PROVISIONAL);
    assertThat(IdentityKeys.strengthOf("email:short")).isEqualTo(Strength.GIVEN);
    assertThat(IdentityKeys.strengthOf("u-42")).isEqualTo(Strength.GIVEN);

    // A delivery signal carrying its decision's e-mail-derived id does not link its own e-mail to
    // itself, nor a second e-mail of equal strength.
    Plan echo =
        IdentityKeys.plan(
            email, Map.of("email_sha256", EMAIL_HASH, "phone_e164", PHONE, "esp_id", "1"));
    assertThat(echo.method()).isEqualTo(IdentityResolution.GIVEN);
    assertThat(echo.linked())
        .extracting(Key::strength)
        .containsExactlyInAnyOrder(Strength.PHONE, Strength.PROVISIONAL);
    assertThat(echo.route())
        .as("resolved under the e-mail key, following its link")
        .isEqualTo(email);
    assertThat(IdentityKeys.plan("alias:esp_id:1", Map.of("esp_id", "1")).linked()).isEmpty();
    assertThat(IdentityKeys.plan("u-42", Map.of()).route()).isEqualTo("uid:u-42");
  }

  @Test
  void precedenceIsATotalOrderByStrengthThenText() {
    List<String> ids =
        new ArrayList<>(
            List.of(
                "u-b",
                "alias:x:1",
                "email:" + "b".repeat(64),
                "phone:" + PHONE_HASH,
                "u-a",
                "email:" + EMAIL_HASH));
    Collections.shuffle(ids);
    ids.sort(IdentityKeys.PRECEDENCE);
    assertThat(ids)
        .containsExactly(
            "alias:x:1",
            "phone:" + PHONE_HASH,
            "email:" + EMAIL_HASH,
            "email:" + "b".repeat(64),
            "u-a",
            "u-b");
  }
}
