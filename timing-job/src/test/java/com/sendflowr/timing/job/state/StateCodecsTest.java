package com.sendflowr.timing.job.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.timing.job.ContextHistory;
import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.PendingRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateCodecsTest {
  private static final Instant T = Instant.parse("2026-01-05T09:30:00Z");

  @Test
  void pendingRequestsComeBackEqual() {
    PendingRequestCodec codec = new PendingRequestCodec();
    PendingRequest waiting =
        new PendingRequest(
            ContractSamples.sendRequest(),
            T,
            T.plusSeconds(86_400),
            ContractSamples.decision(),
            T.plusSeconds(600),
            T.plusSeconds(2 * 86_400),
            false,
            new IdentityResolution(
                "email:ab", IdentityResolution.DETERMINISTIC, "email_sha256:ab", List.of()));
    assertThat(codec.decode(codec.encode(waiting))).isEqualTo(waiting);
    PendingRequest done = waiting.markDispatched();
    assertThat(codec.decode(codec.encode(done))).isEqualTo(done);
  }

  @Test
  void contextHistoriesComeBackEqual() {
    ContextHistoryCodec codec = new ContextHistoryCodec();
    Duration day = Duration.ofDays(1);
    ContextHistory h =
        ContextHistory.empty()
            .with("site_visit", T, T, day)
            .with("ticket_opened", T.plusSeconds(5), T.plusSeconds(5), day);
    assertThat(h.events()).hasSize(2);
    assertThat(codec.decode(codec.encode(h))).isEqualTo(h);
    assertThat(codec.decode(codec.encode(ContextHistory.empty())))
        .isEqualTo(ContextHistory.empty());
  }
}
