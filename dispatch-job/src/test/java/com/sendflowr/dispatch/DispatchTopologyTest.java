package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.RejectReason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DispatchTopologyTest {

  private static DispatchOutcome deadLettered(Integer espStatus, String detail) {
    return Outcomes.of(
        ContractSamples.decision(),
        EspCallerTest.binding("Promo"),
        "idem-1",
        espStatus == null ? 0 : 1,
        espStatus,
        null,
        Instant.parse("2026-01-05T10:00:00Z"),
        OutcomeState.DEAD_LETTERED,
        detail);
  }

  @Test
  void aRefusalByTheEspIsDeadLetteredAsRejected() {
    DeadLetter d = DispatchTopology.deadLetterOf(deadLettered(400, "ESP answered 400: bad"));
    assertThat(d.reason()).isEqualTo(RejectReason.ESP_REJECTED);
    assertThat(d.stage()).isEqualTo("dispatch-job/esp");
    assertThat(d.detail()).contains("400");
  }

  @Test
  void aCallThatNeverReachedTheEspIsDeadLetteredAsUnroutable() {
    DeadLetter d =
        DispatchTopology.deadLetterOf(deadLettered(null, "no credentials for 'brand-a-klaviyo'"));
    assertThat(d.reason()).isEqualTo(RejectReason.UNROUTABLE);
    assertThat(d.detail()).contains("no credentials");
  }
}
