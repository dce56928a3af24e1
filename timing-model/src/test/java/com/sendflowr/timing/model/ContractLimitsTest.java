package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Contracts;
import org.junit.jupiter.api.Test;

/** The contract cannot see the model, so this module, which sees both, keeps them in agreement. */
class ContractLimitsTest {
  @Test
  void theParserAcceptsExactlyTheWindowsTheModelDecides() {
    assertThat(Contracts.MAX_SEND_WINDOW).isEqualTo(DecisionRequest.MAX_WINDOW);
  }
}
