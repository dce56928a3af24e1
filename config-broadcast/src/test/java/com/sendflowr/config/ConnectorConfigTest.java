package com.sendflowr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.RejectReason;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectorConfigTest {
  static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

  static ConfigChange klaviyo(long version) {
    return new ConfigChange(
        IntentBinding.ENTITY_TYPE,
        "promo_jan",
        version,
        T,
        false,
        Map.of(
            "esp", "klaviyo",
            "credential_ref", "brand-a-klaviyo",
            "metric_name", "Promo Jan",
            "campaign_id", "abc123",
            "template_id", "promo-drip",
            "max_lateness_seconds", 120));
  }

  @Test
  void aBindingIsReadFromItsSnapshot() {
    IntentBinding b = IntentBinding.fromChange(klaviyo(1));
    assertThat(b.intentId()).isEqualTo("promo_jan");
    assertThat(b.esp()).isEqualTo("klaviyo");
    assertThat(b.bindingId()).isEqualTo("promo_jan@klaviyo");
    assertThat(b.metricName()).isEqualTo("Promo Jan");
    assertThat(b.maxLatenessSeconds()).isEqualTo(120);
    assertThat(b.account()).isEqualTo("default");
  }

  @Test
  void newerVersionsReplaceOlderOnesAndNeverTheReverse() {
    IntentBinding v2 = IntentBinding.fromChange(klaviyo(2));
    assertThat(ConnectorConfig.apply(Optional.empty(), klaviyo(1)))
        .isInstanceOf(ConnectorConfig.Put.class);
    assertThat(ConnectorConfig.apply(Optional.of(v2), klaviyo(1)))
        .isInstanceOf(ConnectorConfig.Ignore.class);
    assertThat(ConnectorConfig.apply(Optional.of(v2), klaviyo(2)))
        .isInstanceOf(ConnectorConfig.Ignore.class);
    assertThat(ConnectorConfig.apply(Optional.of(v2), klaviyo(3)))
        .isEqualTo(new ConnectorConfig.Put(IntentBinding.fromChange(klaviyo(3))));
  }

  @Test
  void tombstonesRemoveTheBinding() {
    ConfigChange gone =
        new ConfigChange(IntentBinding.ENTITY_TYPE, "promo_jan", 5, T, true, Map.of());
    assertThat(ConnectorConfig.apply(Optional.of(IntentBinding.fromChange(klaviyo(2))), gone))
        .isEqualTo(new ConnectorConfig.Remove("promo_jan"));
  }

  @Test
  void aChannelsBindingIsKeyedByIntentAndChannelAndBelongsToTheIntent() {
    ConfigChange push =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            IntentBinding.channelKey("promo_jan", "push"),
            1,
            T,
            false,
            Map.of(
                "esp", "braze",
                "credential_ref", "brand-a-braze",
                "campaign_id", "cmp-push",
                "channel", "push"));
    assertThat(push.entityId()).isEqualTo("promo_jan/push");
    IntentBinding b = IntentBinding.fromChange(push);
    assertThat(b.intentId()).isEqualTo("promo_jan");
    assertThat(b.bindingId()).isEqualTo("promo_jan/push@braze");
    assertThat(IntentBinding.channelKey("promo_jan", null)).isEqualTo("promo_jan");
    assertThat(IntentBinding.channelKey("promo_jan", " ")).isEqualTo("promo_jan");

    ConfigChange mismatched =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_jan/push",
            1,
            T,
            false,
            Map.of("esp", "braze", "credential_ref", "b", "campaign_id", "c", "channel", "sms"));
    assertThatThrownBy(() -> IntentBinding.fromChange(mismatched))
        .hasMessageContaining("channel 'sms' must be <intent_id>/sms, not promo_jan/push");
    ConfigChange separatorInChannel =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_jan",
            1,
            T,
            false,
            Map.of("esp", "braze", "credential_ref", "b", "campaign_id", "c", "channel", "a/b"));
    assertThatThrownBy(() -> IntentBinding.fromChange(separatorInChannel))
        .hasMessageContaining("channel");
  }

  @Test
  void aDisabledBindingIsRemovedLikeADeletedOne() {
    Map<String, Object> snapshot = new java.util.HashMap<>(klaviyo(3).snapshot());
    snapshot.put("enabled", false);
    ConfigChange disabled =
        new ConfigChange(IntentBinding.ENTITY_TYPE, "promo_jan", 3, T, false, snapshot);
    assertThat(ConnectorConfig.apply(Optional.of(IntentBinding.fromChange(klaviyo(2))), disabled))
        .isEqualTo(new ConnectorConfig.Remove("promo_jan"));
    snapshot.put("enabled", "false");
    ConfigChange notABoolean =
        new ConfigChange(IntentBinding.ENTITY_TYPE, "promo_jan", 4, T, false, snapshot);
    assertThatThrownBy(() -> ConnectorConfig.apply(Optional.empty(), notABoolean))
        .hasMessageContaining("enabled");
  }

  @Test
  void otherEntityTypesAreIgnored() {
    ConfigChange intent = new ConfigChange("intent", "promo_jan", 1, T, false, Map.of());
    assertThat(ConnectorConfig.apply(Optional.empty(), intent))
        .isInstanceOf(ConnectorConfig.Ignore.class);
  }

  @Test
  void malformedBindingsNameTheField() {
    ConfigChange noCredential =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE, "promo_jan", 1, T, false, Map.of("esp", "klaviyo"));
    assertThatThrownBy(() -> ConnectorConfig.apply(Optional.empty(), noCredential))
        .hasMessageContaining("credential_ref");
  }

  @Test
  void parsingRejectsAMalformedBindingWithTheFieldItLacks() {
    ConfigChange noCredential =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE, "promo_jan", 1, T, false, Map.of("esp", "klaviyo"));
    Parsed<ConfigChange> rejected = ConnectorConfig.parse(Contracts.toJson(noCredential));
    assertThat(rejected).isInstanceOf(Parsed.Rejected.class);
    assertThat(((Parsed.Rejected<ConfigChange>) rejected).reason())
        .isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(((Parsed.Rejected<ConfigChange>) rejected).detail()).contains("credential_ref");

    assertThat(ConnectorConfig.parse(Contracts.toJson(klaviyo(1))).value()).isEqualTo(klaviyo(1));
    ConfigChange tombstone =
        new ConfigChange(IntentBinding.ENTITY_TYPE, "promo_jan", 2, T, true, Map.of());
    assertThat(ConnectorConfig.parse(Contracts.toJson(tombstone)).isOk()).isTrue();
    assertThat(ConnectorConfig.parse("{not json").isOk()).isFalse();
  }
}
