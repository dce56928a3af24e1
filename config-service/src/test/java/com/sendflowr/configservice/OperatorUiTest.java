package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the service serves the operator UI's files: without a token (they hold no data), with a
 * strict Content-Security-Policy, nothing outside {@code /ui}, while the API keeps needing a token.
 */
class OperatorUiTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static TestService svc;
  static String base;

  @BeforeAll
  static void start() {
    svc = TestService.onH2("operator-ui", null, null);
    base = "http://127.0.0.1:" + svc.service.port();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    svc.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theUiIsServedWithoutATokenAndWithAStrictPolicy() throws Exception {
    assertThat(svc.service.uiUrl("127.0.0.1")).contains(base + "/ui/");
    for (String path : List.of("/", "/ui")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(302);
      assertThat(r.headers().firstValue("Location")).as(path).contains("/ui/");
    }
    HttpResponse<String> index = get("/ui/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(index.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'", "object-src 'none'", "frame-ancestors 'none'");
    assertThat(index.body()).contains("<div id=\"root\">").contains("/ui/assets/");

    String script = index.body().replaceAll("(?s).*src=\"/ui/(assets/[^\"]+\\.js)\".*", "$1");
    HttpResponse<String> asset = get("/ui/" + script);
    assertThat(asset.statusCode()).isEqualTo(200);
    assertThat(asset.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/javascript");
    assertThat(asset.headers().firstValue("Cache-Control").orElseThrow()).contains("immutable");
  }

  @Test
  void nothingOutsideTheUiIsServedAndTheApiStillNeedsAToken() throws Exception {
    for (String path :
        List.of("/ui/nope.js", "/ui/..%2Fopenapi.json", "/ui/%2e%2e/openapi.json", "/ui/.hidden")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(404);
    }
    assertThat(get("/api/v1/intents").statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/openapi.json").statusCode()).isEqualTo(401);
  }

  /** The canvas offers the contract's signal types before any mapping uses them. */
  @Test
  void theCanvasOffersEverySignalTypeTheContractKnows() throws Exception {
    String ts = Files.readString(Path.of("ui/src/signalTypes.ts"));
    Stream.of(com.sendflowr.contract.SignalType.values())
        // Delivery feedback feeds the latency tracker; it is never a hot path or a breaker.
        .filter(t -> t.category() != com.sendflowr.contract.SignalType.Category.DELIVERY)
        .forEach(t -> assertThat(ts).contains("type: \"" + t.wire() + "\""));
  }
}
