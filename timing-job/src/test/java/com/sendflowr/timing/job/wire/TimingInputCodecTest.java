package com.sendflowr.timing.job.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Signal;
import com.sendflowr.timing.job.ContextHistory;
import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.TimingInput;
import com.sendflowr.timing.job.identity.IdentityInput;
import com.sendflowr.timing.job.identity.Link;
import com.sendflowr.timing.job.identity.RecipientHandoff;
import com.sendflowr.timing.job.identity.RecipientMerge;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingInputCodecTest {
  private static final Instant T = Instant.parse("2026-01-05T09:30:00.123456789Z");
  private final TimingInputCodec codec = new TimingInputCodec();

  private TimingInput roundTrip(TimingInput in) {
    return codec.decode(codec.encode(in));
  }

  @Test
  void everyKindOfInputComesBackEqual() {
    IdentityResolution viaAlias =
        new IdentityResolution(
            "email:ab",
            IdentityResolution.ALIAS,
            "klaviyo_profile_id:01HX",
            List.of("x:1"),
            "event_id:e-9",
            T);
    RecipientMerge merge =
        new RecipientMerge("alias:k", "email:ab", T, "provisional_to_email", "k:1", "event_id:e");
    List<TimingInput> inputs =
        List.of(
            TimingInput.of(ContractSamples.signal()).resolvedAs(viaAlias),
            TimingInput.of(ContractSamples.sendRequest()),
            TimingInput.of(ContractSamples.outcome()),
            TimingInput.of(merge),
            TimingInput.of(
                new RecipientHandoff(
                    "h-1",
                    "alias:k",
                    "email:ab",
                    T,
                    merge,
                    new byte[] {1, 2, 3},
                    new ContextHistory(List.of(new ContextHistory.Event("site_visit", T))),
                    List.of(),
                    TimingInput.of(ContractSamples.signal()))));
    for (TimingInput in : inputs) {
      assertThat(roundTrip(in)).isEqualTo(in);
    }
  }

  @Test
  void aRecipientKeyWithALoneSurrogateIsTheSameAfterTheHop() {
    Signal s = new Signal("e-1", "click", T, "u-\ud800", Map.of(), null, Map.of());
    TimingInput in = TimingInput.of(s);
    assertThat(roundTrip(in).recipient()).isEqualTo("u-\ud800");
  }

  @Test
  void identityInputsCarryARecordOrALink() {
    IdentityInputCodec identity = new IdentityInputCodec();
    IdentityInput record = IdentityInput.of("email:ab", TimingInput.of(ContractSamples.signal()));
    IdentityInput link =
        IdentityInput.of("phone:cd", new Link("email:ab", "phone:cd", "event_id:e"));
    assertThat(identity.decode(identity.encode(record))).isEqualTo(record);
    assertThat(identity.decode(identity.encode(link))).isEqualTo(link);
  }
}
