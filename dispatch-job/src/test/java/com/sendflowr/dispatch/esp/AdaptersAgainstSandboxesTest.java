package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.dispatch.DispatchCommand;
import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.sandbox.esp.SandboxVendors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every adapter's request, sent to its vendor's sandbox, is accepted as that vendor accepts it: the
 * two were written from the same documentation and must agree.
 */
class AdaptersAgainstSandboxesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<String, String> EMAIL = Map.of("email", "ann@example.com");

  private SandboxEsp esp;

  @AfterEach
  void stop() {
    esp.close();
  }

  /** Sends what the adapter builds, as the job would, and returns the status. */
  private int send(EspAdapter adapter, DispatchCommand c, String key) throws Exception {
    return send(adapter.build(c, esp.baseUrl(), key));
  }

  private int send(EspRequest r) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(r.url()))
            .timeout(Duration.ofSeconds(30))
            .method(r.method(), HttpRequest.BodyPublishers.ofString(r.body()));
    r.headers().forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private AcceptedEvent only() {
    List<AcceptedEvent> events = esp.events();
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  @Test
  void braze() throws Exception {
    esp = SandboxEsp.start(SandboxVendors.of("braze", Set.of("braze-key")));
    DispatchCommand campaign =
        command(decision("req-1", EMAIL), binding("braze", "campaign_id", "cmp-1"));
    assertThat(send(new BrazeAdapter(), campaign, "braze-key")).isEqualTo(201);
    assertThat(only().uniqueId()).isEqualTo(campaign.idempotencyKey());
    assertThat(only().profile().get("external_user_id").asText())
        .isEqualTo(campaign.decision().universalId());

    esp.reset();
    DispatchCommand canvas =
        command(decision("req-2", EMAIL), binding("braze", "canvas_id", "cv-1"));
    assertThat(send(new BrazeAdapter(), canvas, "braze-key")).isEqualTo(201);
    assertThat(only().metricName()).isEqualTo("cv-1");
    assertThat(send(new BrazeAdapter(), canvas, "another-key")).isEqualTo(401);
  }

  @Test
  void klaviyoBulkCreateJobs() throws Exception {
    esp = SandboxEsp.start(SandboxVendors.of("klaviyo", Set.of("pk-key")));
    IntentBinding b = binding("klaviyo", "metric_name", "SendFlowr Promo");
    List<DispatchCommand> thousand =
        IntStream.range(0, 1_000)
            .mapToObj(i -> command(decision("req-" + i, i % 3 == 0 ? EMAIL : Map.of()), b))
            .toList();
    KlaviyoAdapter adapter = new KlaviyoAdapter();

    assertThat(send(adapter.buildBatch(thousand, esp.baseUrl(), "pk-key"))).isEqualTo(202);

    assertThat(esp.events()).hasSize(1_000);
    assertThat(esp.events())
        .extracting(AcceptedEvent::path)
        .containsOnly("/api/event-bulk-create-jobs");
    assertThat(esp.uniqueIdCounts().keySet())
        .containsExactlyInAnyOrderElementsOf(
            thousand.stream().map(DispatchCommand::idempotencyKey).toList());
    assertThat(esp.duplicateUniqueIds()).isZero();
  }

  @Test
  void brazeFiftyRecipientsInOneCall() throws Exception {
    esp = SandboxEsp.start(SandboxVendors.of("braze", Set.of("braze-key")));
    IntentBinding b = binding("braze", "campaign_id", "cmp-1");
    List<DispatchCommand> fifty =
        IntStream.range(0, 50).mapToObj(i -> command(decision("req-" + i, EMAIL), b)).toList();

    assertThat(send(new BrazeAdapter().buildBatch(fifty, esp.baseUrl(), "braze-key")))
        .isEqualTo(201);

    assertThat(esp.calls()).hasSize(1);
    assertThat(esp.events())
        .extracting(AcceptedEvent::uniqueId)
        .containsExactlyElementsOf(fifty.stream().map(DispatchCommand::idempotencyKey).toList());
  }

  @Test
  void iterable() throws Exception {
    esp = SandboxEsp.start(SandboxVendors.of("iterable", Set.of("it-key")));
    DispatchCommand c =
        command(decision("req-1", Map.of()), binding("iterable", "workflow_id", "99"));
    assertThat(send(new IterableAdapter(), c, "it-key")).isEqualTo(200);
    assertThat(only().metricName()).isEqualTo("99");
    assertThat(only().profile().get("userId").asText()).isEqualTo(c.decision().universalId());
  }

  @Test
  void customerIoEventsAreDeduplicatedByTheirId() throws Exception {
    esp = SandboxEsp.start(SandboxVendors.of("customerio", Set.of("site:track-key", "app-key")));
    DispatchCommand c =
        command(decision("req-1", EMAIL), binding("customerio", "event_name", "sendflowr_promo"));
    CustomerIoAdapter adapter = new CustomerIoAdapter();
    assertThat(send(adapter, c, "site:track-key")).isEqualTo(200);
    // A retry after a lost answer, or a replay after restore, builds the same event id.
    assertThat(send(adapter, c, "site:track-key")).isEqualTo(200);
    assertThat(only().metricName()).isEqualTo("sendflowr_promo");
    assertThat(esp.suppressedDuplicates()).isEqualTo(1);

    DispatchCommand t =
        command(decision("req-2", EMAIL), binding("customerio", "transactional_message_id", "3"));
    assertThat(send(adapter, t, "app-key")).isEqualTo(200);
    assertThat(esp.events()).hasSize(2);
  }

  @Test
  void sendGrid() throws Exception {
    esp = SandboxEsp.start(SandboxVendors.of("sendgrid", Set.of("SG.key")));
    DispatchCommand c =
        command(
            decision("req-1", EMAIL),
            binding(
                "sendgrid",
                "template_id",
                "d-0123456789abcdef0123456789abcdef",
                "from_email",
                "news@brand.example"));
    assertThat(send(new SendGridAdapter(), c, "SG.key")).isEqualTo(202);
    assertThat(only().profileEmail()).isEqualTo("ann@example.com");
    assertThat(only().uniqueId()).isEqualTo(c.idempotencyKey());
  }

  @Test
  void webhook() throws Exception {
    esp = SandboxEsp.start(SandboxVendors.of("webhook", Set.of("whsec-1")));
    IntentBinding b = binding("webhook", "webhook_url", esp.baseUrl() + "/hooks/sendflowr");
    // Fired now: the receiver refuses a timestamp outside its tolerance.
    DispatchCommand c =
        new DispatchCommand(
            decision("req-1", EMAIL),
            b,
            IdempotencyKeys.of("dec-req-1-v2", b.bindingId()),
            Instant.now());
    assertThat(send(new WebhookAdapter(), c, "whsec-1")).isEqualTo(200);
    assertThat(send(new WebhookAdapter(), c, "whsec-1")).isEqualTo(200);
    assertThat(only().uniqueId()).isEqualTo(c.idempotencyKey());
    assertThat(only().path()).isEqualTo("/hooks/sendflowr");
    assertThat(send(new WebhookAdapter(), c, "not-the-secret")).isEqualTo(401);
  }
}
