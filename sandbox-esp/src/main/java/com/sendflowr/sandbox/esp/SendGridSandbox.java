package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SendGrid's Mail Send, {@value #PATH}: {@code Authorization: Bearer} API key (401 otherwise), 1 to
 * {@value #MAX_PERSONALIZATIONS} {@code personalizations} each with a non-empty {@code to} of email
 * objects and at most {@value #MAX_PERSONALIZATIONS} recipients in all, a {@code from} email, a
 * {@code template_id} (dynamic ones start with {@code d-}) or else {@code content}, string-valued
 * {@code custom_args}. Success is 202 with an empty body and {@code X-Message-Id}; errors are
 * {@code {"errors": [{"message", "field", "help"}]}} with status 400.
 *
 * <p>SendGrid does not deduplicate Mail Send, so neither does this sandbox; each personalization is
 * an accepted event keyed by its {@code custom_args.sendflowr_idempotency_key}.
 *
 * <p>Per <a href="https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send">Mail
 * Send</a> and its <a
 * href="https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors">errors</a>.
 */
public final class SendGridSandbox implements SandboxVendor {
  public static final String NAME = "sendgrid";
  public static final String PATH = "/v3/mail/send";
  public static final int MAX_PERSONALIZATIONS = 1000;

  private final Set<String> acceptedApiKeys;

  public SendGridSandbox(Set<String> acceptedApiKeys) {
    this.acceptedApiKeys = Set.copyOf(acceptedApiKeys);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SandboxResponse handle(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed) {
    if (!PATH.equals(request.path())) {
      return errors(404, List.of(new Problem("Not found", null)));
    }
    if (!"POST".equals(request.method())) {
      return new SandboxResponse(
          405,
          errors(405, List.of(new Problem("Method not allowed", null))).body(),
          Map.of("Allow", "POST"));
    }
    if (!VendorSupport.accepted(acceptedApiKeys, VendorSupport.bearer(request))) {
      return errors(
          401,
          List.of(
              new Problem(
                  "The provided authorization grant is invalid, expired, or revoked", null)));
    }
    JsonNode json = request.json();
    if (json == null || !json.isObject()) {
      return errors(400, List.of(new Problem("Bad Request", null)));
    }
    List<Problem> problems = new ArrayList<>();
    JsonNode personalizations = json.get("personalizations");
    int recipients = 0;
    if (personalizations == null || !personalizations.isArray() || personalizations.isEmpty()) {
      problems.add(new Problem("You must have at least one personalization.", "personalizations"));
    } else if (personalizations.size() > MAX_PERSONALIZATIONS) {
      problems.add(
          new Problem(
              "The personalization block is limited to 1000 personalizations per API request.",
              "personalizations"));
    } else {
      for (int i = 0; i < personalizations.size(); i++) {
        JsonNode to = personalizations.get(i).get("to");
        String field = "personalizations." + i + ".to";
        if (to == null || !to.isArray() || to.isEmpty()) {
          problems.add(
              new Problem("The to array is required for all personalization objects.", field));
          continue;
        }
        for (JsonNode address : to) {
          String email = VendorSupport.text(address, "email");
          if (email == null || !VendorSupport.EMAIL.matcher(email).matches()) {
            problems.add(new Problem("Does not contain a valid address.", field + ".email"));
          }
          recipients++;
        }
        JsonNode args = personalizations.get(i).path("custom_args");
        for (Iterator<JsonNode> it = args.elements(); it.hasNext(); ) {
          if (!it.next().isTextual()) {
            problems.add(
                new Problem(
                    "Custom arguments must be strings.", "personalizations." + i + ".custom_args"));
            break;
          }
        }
        if (!VendorSupport.isObjectOrAbsent(personalizations.get(i), "dynamic_template_data")) {
          problems.add(
              new Problem(
                  "dynamic_template_data must be an object.",
                  "personalizations." + i + ".dynamic_template_data"));
        }
      }
      if (recipients > MAX_PERSONALIZATIONS) {
        problems.add(
            new Problem(
                "There is a limit of 1000 total recipients (to + cc + bcc) per request.",
                "personalizations"));
      }
    }
    String from = VendorSupport.text(json.path("from"), "email");
    if (from == null || !VendorSupport.EMAIL.matcher(from).matches()) {
      problems.add(
          new Problem(
              "The from object must be provided for every email send. It is an object that requires"
                  + " the email parameter, but may also contain a name parameter.",
              "from.email"));
    }
    String template = VendorSupport.text(json, "template_id");
    if (template == null && !json.path("content").isArray()) {
      problems.add(
          new Problem(
              "Unless a valid template_id is provided, the content parameter is required.",
              "content"));
    }
    if (!problems.isEmpty()) {
      return errors(400, problems);
    }
    for (JsonNode p : personalizations) {
      ObjectNode who = VendorSupport.object();
      who.put("email", p.get("to").get(0).get("email").asText());
      accepted.add(
          new AcceptedEvent(
              NAME,
              PATH,
              request.receivedAt(),
              VendorSupport.carriedKey(p.path("custom_args")),
              template,
              who,
              p,
              p.path("dynamic_template_data")));
    }
    return new SandboxResponse(
        202, "", Map.of("X-Message-Id", UUID.randomUUID().toString().replace("-", "")));
  }

  @Override
  public SandboxResponse fault(int status, long retryAfterSeconds) {
    String message = status == 429 ? "too many requests" : "Sandbox fault " + status;
    return new SandboxResponse(
        status,
        errors(status, List.of(new Problem(message, null))).body(),
        VendorSupport.rateLimitHeaders(status, retryAfterSeconds));
  }

  @Override
  public SandboxResponse serverError(String detail) {
    return errors(500, List.of(new Problem(detail, null)));
  }

  /** One entry of SendGrid's {@code errors}; {@code field} may be null. */
  private record Problem(String message, String field) {}

  private static SandboxResponse errors(int status, List<Problem> problems) {
    ObjectNode body = VendorSupport.object();
    ArrayNode list = body.putArray("errors");
    for (Problem p : problems) {
      ObjectNode e = list.addObject();
      e.put("message", p.message());
      if (p.field() == null) {
        e.putNull("field");
      } else {
        e.put("field", p.field());
      }
      e.putNull("help");
    }
    return SandboxResponse.json(status, body.toString());
  }
}
