package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.EspFixtures.binding;
import static com.sendflowr.dispatch.esp.EspFixtures.command;
import static com.sendflowr.dispatch.esp.EspFixtures.decision;
import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.AccountSettings;
import com.sendflowr.config.RateLimits;
import com.sendflowr.dispatch.DispatchCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchingTest {
  private static final KlaviyoAdapter KLAVIYO = new KlaviyoAdapter();
  private static final BrazeAdapter BRAZE = new BrazeAdapter();
  private static final Duration FLUSH_AFTER = Duration.ofMillis(50);

  private static DispatchCommand klaviyo(String requestId, Object... fields) {
    List<Object> all = new ArrayList<>(List.of("metric_name", "Promo"));
    all.addAll(List.of(fields));
    return command(decision(requestId, Map.of()), binding("klaviyo", all.toArray()));
  }

  @Test
  void klaviyoDispatchesOfOneAccountAndCredentialShareABufferWhateverTheirMetric() {
    String key = Batching.key(KLAVIYO, klaviyo("req-1"));
    assertThat(Batching.key(KLAVIYO, klaviyo("req-2", "metric_name", "Other metric")))
        .isEqualTo(key);
    assertThat(Batching.key(KLAVIYO, klaviyo("req-3", "account", "brand-b"))).isNotEqualTo(key);
    assertThat(Batching.key(KLAVIYO, klaviyo("req-4", "credential_ref", "other-key")))
        .isNotEqualTo(key);
    assertThat(Batching.key(KLAVIYO, klaviyo("req-5", "dry_run", true))).isNotEqualTo(key);
  }

  @Test
  void brazeDispatchesShareACallOnlyForTheSameCampaignOrCanvas() {
    DispatchCommand a =
        command(decision("req-1", Map.of()), binding("braze", "campaign_id", "cmp-1"));
    DispatchCommand b =
        command(decision("req-2", Map.of()), binding("braze", "campaign_id", "cmp-1"));
    DispatchCommand c =
        command(decision("req-3", Map.of()), binding("braze", "campaign_id", "cmp-2"));
    DispatchCommand d = command(decision("req-4", Map.of()), binding("braze", "canvas_id", "cv-1"));
    assertThat(Batching.key(BRAZE, a)).isEqualTo(Batching.key(BRAZE, b));
    assertThat(Batching.key(BRAZE, c)).isNotEqualTo(Batching.key(BRAZE, a));
    assertThat(Batching.key(BRAZE, d)).isNotEqualTo(Batching.key(BRAZE, a));
    assertThat(Batching.maxBatchSize(BRAZE)).isEqualTo(50);
    assertThat(Batching.maxBatchSize(KLAVIYO)).isEqualTo(1_000);
  }

  @Test
  void espsWithoutABatchEndpointAreKeyedByRequestAndSentOneByOne() {
    WebhookAdapter webhook = new WebhookAdapter();
    DispatchCommand a =
        command(
            decision("req-1", Map.of()),
            binding("webhook", "webhook_url", "https://hooks.example/a"));
    DispatchCommand b =
        command(
            decision("req-2", Map.of()),
            binding("webhook", "webhook_url", "https://hooks.example/a"));
    assertThat(Batching.key(webhook, a)).isNotEqualTo(Batching.key(webhook, b));
    assertThat(Batching.maxBatchSize(webhook)).isEqualTo(1);
    assertThat(Batching.maxBatchSize(null)).isEqualTo(1);
    assertThat(Batching.key(null, a)).isEqualTo(Batching.key(webhook, a));
  }

  @Test
  void aBufferBecomesCallsOfAtMostTheBatchSizeInItsOrder() {
    List<DispatchCommand> buffered =
        IntStream.range(0, 2_345).mapToObj(i -> klaviyo("req-" + i)).toList();

    List<List<DispatchCommand>> calls = Batching.plan(buffered, 1_000);

    assertThat(calls).extracting(List::size).containsExactly(1_000, 1_000, 345);
    assertThat(calls.stream().flatMap(List::stream).toList()).isEqualTo(buffered);
    assertThat(Batching.plan(buffered.subList(0, 3), 1)).hasSize(3);
  }

  @Test
  void aRepeatedIdempotencyKeyNeverSharesACallWithItself() {
    DispatchCommand a = klaviyo("req-1");
    DispatchCommand b = klaviyo("req-2");

    List<List<DispatchCommand>> calls = Batching.plan(List.of(a, b, a, a), 1_000);

    assertThat(calls).containsExactly(List.of(a, b), List.of(a), List.of(a));
  }

  @Test
  void aFullBufferFlushesAtOnceOthersAfterTheDeadline() {
    assertThat(Batching.flushAt(50, 50, 1_000, null, FLUSH_AFTER, Duration.ZERO)).isLessThan(1_000);
    assertThat(Batching.flushAt(1, 50, 1_000, null, FLUSH_AFTER, Duration.ZERO)).isEqualTo(1_050);
    assertThat(Batching.flushAt(49, 50, 1_000, null, FLUSH_AFTER, Duration.ZERO)).isEqualTo(1_050);
  }

  @Test
  void severalWaitForTheBatchEndpointsNextSlotAndKeepFillingButOneNeverWaits() {
    Duration bulkSpacing = AccountRateLimiter.spacing(KlaviyoAdapter.BULK_LIMITS);
    assertThat(bulkSpacing).isEqualTo(Duration.ofMillis(400)); // 150/min

    // The last bulk call left 100 ms ago: two buffered wait until 300 ms from now.
    assertThat(Batching.flushAt(2, 1_000, 1_000, 900L, FLUSH_AFTER, bulkSpacing)).isEqualTo(1_300);
    // Long enough ago: the deadline rules.
    assertThat(Batching.flushAt(2, 1_000, 1_000, 0L, FLUSH_AFTER, bulkSpacing)).isEqualTo(1_050);
    // One alone goes by Create Event, which the bulk pacing does not hold.
    assertThat(Batching.flushAt(1, 1_000, 1_000, 900L, FLUSH_AFTER, bulkSpacing)).isEqualTo(1_050);
    // Full: at once, whatever the pacing (the rate limiter spaces the calls).
    assertThat(Batching.flushAt(1_000, 1_000, 1_000, 999L, FLUSH_AFTER, bulkSpacing))
        .isLessThan(1_000);
  }

  @Test
  void klaviyosBulkCallsHaveTheirOwnLimitsWhichTheAccountsPerEventLimitsOnlyTighten() {
    CallEndpoint single = KLAVIYO.endpoint(1);
    CallEndpoint bulk = KLAVIYO.endpoint(2);
    assertThat(single.name()).isNotEqualTo(bulk.name());
    assertThat(single.limitsFor(AccountSettings.NONE)).isEqualTo(new RateLimits(350, 3_500));
    assertThat(bulk.limitsFor(AccountSettings.NONE)).isEqualTo(new RateLimits(10, 150));

    RateLimits configured = new RateLimits(20, 100);
    assertThat(single.limitsFor(account(configured, RateLimits.NONE))).isEqualTo(configured);
    assertThat(bulk.limitsFor(account(configured, RateLimits.NONE)))
        .isEqualTo(new RateLimits(10, 100));
    assertThat(bulk.limitsFor(account(new RateLimits(5, null), RateLimits.NONE)))
        .isEqualTo(new RateLimits(5, 150));

    // An account Klaviyo granted more sets its bulk limits apart; they do not touch Create Event.
    RateLimits granted = new RateLimits(50, 3_000);
    assertThat(bulk.limitsFor(account(RateLimits.NONE, granted))).isEqualTo(granted);
    assertThat(bulk.limitsFor(account(new RateLimits(null, 1_000), granted)))
        .isEqualTo(new RateLimits(50, 1_000));
    assertThat(bulk.limitsFor(account(RateLimits.NONE, new RateLimits(null, 600))))
        .isEqualTo(new RateLimits(10, 600));
    assertThat(single.limitsFor(account(RateLimits.NONE, granted)))
        .isEqualTo(new RateLimits(350, 3_500));

    // Braze: one endpoint for one recipient or fifty, the same limits.
    assertThat(BRAZE.endpoint(1)).isEqualTo(BRAZE.endpoint(50));
    assertThat(BRAZE.endpoint(50).limitsFor(AccountSettings.NONE))
        .isEqualTo(new RateLimits(null, 250_000 / 60));
  }

  private static AccountSettings account(RateLimits perDispatch, RateLimits batch) {
    return new AccountSettings(null, perDispatch, batch);
  }
}
