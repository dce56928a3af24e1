package com.sendflowr.dispatch.esp;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * SendGrid: a decision sends the brand's dynamic template to the recipient ({@code POST
 * /v3/mail/send}), the decision as the personalization's {@code dynamic_template_data}.
 *
 * <p>From Twilio SendGrid's <a
 * href="https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send">Mail Send</a>
 * reference and its <a
 * href="https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors">errors</a>: {@code
 * Authorization: Bearer} API key; {@code personalizations[].to[].email}, a {@code from} address and
 * a {@code d-} {@code template_id} are required; success is 202 with an empty body and the message
 * id in the {@code X-Message-Id} header. Custom arguments must be strings.
 *
 * <p>SendGrid has no idempotency key for Mail Send; the key travels as a custom argument ({@code
 * sendflowr_idempotency_key}), which SendGrid echoes in its event webhook, and in the template
 * data.
 */
public final class SendGridAdapter implements EspAdapter {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "sendgrid";
  public static final String PATH = "/v3/mail/send";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String defaultBaseUrl() {
    return "https://api.sendgrid.com";
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String apiKey) {
    IntentBinding b = command.binding();
    if (b.fromEmail() == null) {
      throw new IllegalArgumentException("'from_email' is required for SendGrid");
    }
    if (b.templateId() == null) {
      throw new IllegalArgumentException("'template_id' is required for SendGrid");
    }
    String email = DispatchProperties.email(command);
    if (email == null) {
      throw new IllegalArgumentException(
          "SendGrid needs the recipient's address: the decision metadata has no 'email'");
    }
    Map<String, Object> personalization = new LinkedHashMap<>();
    personalization.put("to", List.of(Map.of("email", email)));
    personalization.put("dynamic_template_data", DispatchProperties.withKey(command));
    personalization.put(
        "custom_args",
        Map.of(
            DispatchProperties.IDEMPOTENCY_KEY,
            command.idempotencyKey(),
            "sendflowr_decision_id",
            command.decision().decisionId(),
            "sendflowr_intent_id",
            command.decision().intentId()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("personalizations", List.of(personalization));
    body.put("from", Map.of("email", b.fromEmail()));
    body.put("template_id", b.templateId());
    return new EspRequest(
        "POST",
        Wire.trimSlash(baseUrl) + PATH,
        Map.of("Authorization", "Bearer " + apiKey, "Content-Type", Wire.JSON),
        Contracts.toJson(body));
  }

  @Override
  public String responseId(int status, String body, UnaryOperator<String> header) {
    return header.apply("X-Message-Id");
  }
}
