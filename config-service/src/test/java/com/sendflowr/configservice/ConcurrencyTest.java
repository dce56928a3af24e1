package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Optimistic concurrency: a stale edit is refused with 409, never silently applied. */
class ConcurrencyTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  static TestService svc;

  @BeforeAll
  static void start() {
    svc = TestService.onPostgres(POSTGRES, null, null);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    svc.close();
  }

  @Test
  void twoEditorsOfTheSameIntentOneWinsTheOtherGets409() {
    ApiClient alice = svc.client("editor");
    ApiClient bob = svc.client("editor");
    assertThat(alice.post("/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\"}").status())
        .isEqualTo(201);
    String aliceSaw = alice.get("/intents/promo_jan").etag();
    String bobSaw = bob.get("/intents/promo_jan").etag();
    assertThat(aliceSaw).isEqualTo(bobSaw);

    ApiClient.Response first =
        alice.put(
            "/intents/promo_jan",
            "{\"name\":\"Promo (Alice)\",\"confidence_threshold\":0.3}",
            aliceSaw);
    ApiClient.Response second = bob.put("/intents/promo_jan", "{\"name\":\"Promo (Bob)\"}", bobSaw);
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.json().get("error").asText()).isEqualTo("version_conflict");
    assertThat(second.json().get("current_version").asText())
        .isEqualTo(first.etag().replace("\"", ""));
    assertThat(svc.admin.get("/intents/promo_jan").json().get("name").asText())
        .isEqualTo("Promo (Alice)");

    // The version may also travel in the body; without either the edit is refused.
    assertThat(bob.put("/intents/promo_jan", "{\"name\":\"x\",\"version\":1}", null).status())
        .isEqualTo(409);
    assertThat(bob.put("/intents/promo_jan", "{\"name\":\"x\"}", null).status()).isEqualTo(428);
    assertThat(bob.delete("/intents/promo_jan", bobSaw).status()).isEqualTo(409);
  }

  @Test
  void simultaneousEditsFromOneVersionLetExactlyOneThrough() throws Exception {
    svc.admin.post("/intents", "{\"intent_id\":\"race\",\"name\":\"Race\"}");
    String etag = svc.admin.get("/intents/race").etag();
    int editors = 8;
    ExecutorService pool = Executors.newFixedThreadPool(editors);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < editors; i++) {
      ApiClient editor = svc.client("editor");
      String body = "{\"name\":\"Race " + i + "\"}";
      results.add(
          pool.submit(
              () -> {
                go.await();
                return editor.put("/intents/race", body, etag).status();
              }));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> f : results) {
      statuses.add(f.get());
    }
    pool.shutdown();
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(editors - 1);
  }
}
