package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingConfigViewTest {
  private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

  private static ConfigChange binding(String key, String bindingId, Map<String, Object> extra) {
    Map<String, Object> snapshot = new java.util.HashMap<>(extra);
    snapshot.put("esp", "braze");
    snapshot.put("credential_ref", "brand-a-braze");
    snapshot.put("campaign_id", "cmp");
    snapshot.put("binding_id", bindingId);
    int slash = key.indexOf('/');
    if (slash >= 0) {
      snapshot.put("channel", key.substring(slash + 1));
    }
    return ControlInput.espAgnostic(
        new ConfigChange(IntentBinding.ENTITY_TYPE, key, 1, T, false, snapshot));
  }

  @Test
  void anIntentsLatencyChannelIsItsDefaultBindingElseItsFirstNamedChannel() {
    TimingConfigView view =
        TimingConfigView.of(
            List.of(
                binding("promo/sms", "b-sms", Map.of()),
                binding("promo", "b-email", Map.of()),
                binding("welcome/sms", "w-sms", Map.of()),
                binding("welcome/push", "w-push", Map.of()),
                binding("winback", "wb", Map.of("enabled", false))));
    assertThat(view.channelFor("promo")).isEqualTo("b-email");
    assertThat(view.channelFor("welcome")).isEqualTo("w-push");
    assertThat(view.channelFor("winback")).as("a disabled binding is no channel").isNull();
  }
}
