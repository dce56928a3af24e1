package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SendGridAdapterTest {
  private static final String KEY = "SG.sendgrid-key-0123456789";
  private static final String TEMPLATE = "d-0123456789abcdef0123456789abcdef";
  private final SendGridAdapter adapter = new SendGridAdapter();

  private static DispatchCommand command(Map<String, String> metadata, Object... fields) {
    return EspFixtures.command(decision("req-1", metadata), binding("sendgrid", fields));
  }

  @Test
  void itSendsTheDynamicTemplateToTheRecipient() throws Exception {
    DispatchCommand c =
        command(
            Map.of("email", "ann@example.com"),
            "template_id",
            TEMPLATE,
            "from_email",
            "news@brand.example");
    EspRequest r = adapter.build(c, "https://api.sendgrid.com", KEY);

    assertThat(r.url()).isEqualTo("https://api.sendgrid.com/v3/mail/send");
    assertThat(r.headers())
        .containsEntry("Authorization", "Bearer " + KEY)
        .containsEntry("Content-Type", "application/json");
    JsonNode body = Contracts.mapper().readTree(r.body());
    assertThat(body.get("template_id").asText()).isEqualTo(TEMPLATE);
    assertThat(body.get("from").get("email").asText()).isEqualTo("news@brand.example");
    JsonNode p = body.get("personalizations").get(0);
    assertThat(body.get("personalizations")).hasSize(1);
    assertThat(p.get("to").get(0).get("email").asText()).isEqualTo("ann@example.com");
    assertThat(p.get("dynamic_template_data").get("sendflowr_request_id").asText())
        .isEqualTo("req-1");
    JsonNode args = p.get("custom_args");
    assertThat(args.get("sendflowr_idempotency_key").asText()).isEqualTo(c.idempotencyKey());
    args.forEach(v -> assertThat(v.isTextual()).as("custom_args values are strings").isTrue());
    assertThat(r.toString()).doesNotContain(KEY);
    assertThat(adapter.responseId(202, "", h -> h.equals("X-Message-Id") ? "msg-1" : null))
        .isEqualTo("msg-1");
  }

  @Test
  void withoutARecipientAddressOrSenderNothingIsSent() {
    assertThatThrownBy(
            () ->
                adapter.build(
                    command(Map.of(), "template_id", TEMPLATE, "from_email", "news@brand.example"),
                    "https://api.sendgrid.com",
                    KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'email'");
    assertThatThrownBy(
            () ->
                adapter.build(
                    command(Map.of("email", "ann@example.com"), "template_id", TEMPLATE),
                    "https://api.sendgrid.com",
                    KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'from_email'");
  }
}
