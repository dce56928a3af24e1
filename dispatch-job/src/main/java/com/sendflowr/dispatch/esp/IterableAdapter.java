package com.sendflowr.dispatch.esp;

import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Iterable: a decision triggers the brand's workflow for the recipient ({@code POST
 * /api/workflows/triggerWorkflow}) with the decision as the workflow's {@code dataFields}.
 *
 * <p>From Iterable's API reference (<a
 * href="https://api.iterable.com/api/docs#workflows_triggerWorkflow">workflows/triggerWorkflow</a>):
 * the key goes in the {@code Api-Key} header; the body names the numeric {@code workflowId} and the
 * user by {@code email} or, without one in the decision metadata, by {@code userId} (the universal
 * id); success is 200 with {@code "code": "Success"}. EU projects use {@code
 * https://api.eu.iterable.com}.
 *
 * <p>Iterable has no idempotency key for workflow triggers; the key travels in {@code dataFields}
 * as {@code sendflowr_idempotency_key}.
 */
public final class IterableAdapter implements EspAdapter {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "iterable";
  public static final String PATH = "/api/workflows/triggerWorkflow";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String defaultBaseUrl() {
    return "https://api.iterable.com";
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String apiKey) {
    String workflowId = command.binding().workflowId();
    if (workflowId == null) {
      throw new IllegalArgumentException("'workflow_id' is required for Iterable");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("workflowId", Long.parseLong(workflowId));
    String email = DispatchProperties.email(command);
    if (email != null) {
      body.put("email", email);
    } else {
      body.put("userId", command.decision().universalId());
    }
    body.put("dataFields", DispatchProperties.withKey(command));
    return new EspRequest(
        "POST",
        Wire.trimSlash(baseUrl) + PATH,
        Map.of("Api-Key", apiKey, "Content-Type", Wire.JSON),
        Contracts.toJson(body));
  }
}
