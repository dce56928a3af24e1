package com.sendflowr.dispatch.esp;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.DispatchCommand;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Decisions, bindings and commands for the adapter tests, bindings read as the job reads them. */
public final class EspFixtures {
  public static final Instant TRIGGER = Instant.parse("2026-01-05T09:39:58Z");
  public static final Instant FIRED = TRIGGER.plusMillis(742);

  private EspFixtures() {}

  public static TimingDecision decision(String requestId, Map<String, String> metadata) {
    return ContractSamples.decision(
        requestId, 2, DecisionStatus.SCHEDULED, TRIGGER, TRIGGER.plusSeconds(3600), metadata);
  }

  /** A binding of intent {@code promo_jan} parsed from snapshot fields, through the rules. */
  public static IntentBinding binding(String esp, Object... fields) {
    Map<String, Object> snapshot = new HashMap<>();
    snapshot.put("esp", esp);
    snapshot.put("account", "brand-a");
    snapshot.put("credential_ref", "brand-a-" + esp);
    for (int i = 0; i < fields.length; i += 2) {
      snapshot.put((String) fields[i], fields[i + 1]);
    }
    return IntentBinding.fromChange(
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_jan",
            4,
            TRIGGER.minusSeconds(86_400),
            false,
            snapshot));
  }

  public static DispatchCommand command(TimingDecision d, IntentBinding b) {
    return new DispatchCommand(d, b, IdempotencyKeys.of(d.decisionId(), b.bindingId()), FIRED);
  }
}
