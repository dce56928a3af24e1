package com.sendflowr.sandbox.esp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for an ESP's API: a real HTTP server that speaks one vendor's wire format (a
 * {@link SandboxVendor}: Klaviyo unless told otherwise), records every call and every accepted
 * event, and can be programmed to rate-limit, fail or stall ({@link Faults}) whatever the vendor.
 *
 * <p>Each accepted event carries the key the client sent to make it idempotent (Klaviyo's {@code
 * unique_id}, Customer.io's event {@code id}, the {@code sendflowr_idempotency_key} property where
 * the vendor has no key of its own), so tests can assert that nothing was sent twice ({@link
 * #duplicateUniqueIds()}). A vendor that deduplicates drops a repeat the way it documents and the
 * sandbox counts it in {@link #suppressedDuplicates()}.
 *
 * <p>It can also enforce the vendor's rate limit ({@link #enforceRateLimit(int, int)}): calls
 * beyond it are answered 429 with the vendor's {@code Retry-After} and error document, as the
 * vendor would, and counted ({@link #rateLimitedCalls()}), so a client's pacing is measured, not
 * assumed.
 */
public final class SandboxEsp implements AutoCloseable {

  /** Klaviyo's create-event path (kept here for the tests written before other vendors). */
  public static final String CREATE_EVENT_PATH = KlaviyoSandbox.CREATE_EVENT_PATH;

  public static final String BULK_CREATE_EVENTS_PATH = KlaviyoSandbox.BULK_CREATE_EVENTS_PATH;
  public static final int MAX_BULK_EVENTS = KlaviyoSandbox.MAX_BULK_EVENTS;
  public static final int MAX_STRING_CHARS = KlaviyoSandbox.MAX_STRING_CHARS;
  public static final int MAX_METRIC_NAME_CHARS = KlaviyoSandbox.MAX_METRIC_NAME_CHARS;

  /** The largest body read; a vendor answers a larger one with its 413. */
  public static final int MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;

  /** Request headers that carry secrets, redacted in recorded calls. */
  private static final Set<String> SECRET_HEADERS = Set.of("authorization", "api-key", "x-api-key");

  private static final Logger LOG = LoggerFactory.getLogger(SandboxEsp.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final SandboxVendor vendor;
  private final Faults faults = new Faults();
  private final List<RecordedCall> calls = new ArrayList<>();
  private final List<AcceptedEvent> events = new ArrayList<>();
  private final Map<String, Long> uniqueIdCounts = new LinkedHashMap<>();
  private long suppressedDuplicates;
  private final List<Consumer<RecordedCall>> listeners = new CopyOnWriteArrayList<>();
  private volatile RateLimit rateLimitPerKey;
  private final Map<String, RateLimit> rateLimitOfKey = new ConcurrentHashMap<>();
  private final AtomicLong rateLimitedCalls = new AtomicLong();

  private SandboxEsp(String host, int port, SandboxVendor vendor) throws IOException {
    this.vendor = vendor;
    AtomicInteger threads = new AtomicInteger();
    // Unbounded so that a programmed delay on one call never holds up the others.
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "sandbox-esp-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    InetAddress address =
        host == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
    this.server = HttpServer.create(new InetSocketAddress(address, port), 100);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts on 127.0.0.1; port 0 picks a free port. Any non-blank API key is accepted. */
  public static SandboxEsp start(int port) {
    return start(port, Set.of());
  }

  /**
   * Starts on 127.0.0.1 accepting only the given private API keys (an empty set accepts any
   * non-blank key).
   */
  public static SandboxEsp start(int port, Set<String> acceptedApiKeys) {
    return start(null, port, acceptedApiKeys);
  }

  /** Starts on the given interface (null for loopback), e.g. {@code 0.0.0.0} in a container. */
  public static SandboxEsp start(String host, int port, Set<String> acceptedApiKeys) {
    return start(host, port, new KlaviyoSandbox(acceptedApiKeys));
  }

  /** Starts on 127.0.0.1, on a free port, speaking the given vendor's API. */
  public static SandboxEsp start(SandboxVendor vendor) {
    return start(null, 0, vendor);
  }

  /** Starts on the given interface (null for loopback) and port, speaking the vendor's API. */
  public static SandboxEsp start(String host, int port, SandboxVendor vendor) {
    try {
      return new SandboxEsp(host, port, vendor);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the sandbox ESP on port " + port, e);
    }
  }

  /** The vendor this sandbox speaks for. */
  public SandboxVendor vendor() {
    return vendor;
  }

  /** E.g. {@code http://127.0.0.1:43123}; the vendor's base URL to configure in the client. */
  public String baseUrl() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
    return "http://" + host + ":" + address.getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The programmable faults; see {@link Faults}. */
  public Faults faults() {
    return faults;
  }

  /**
   * Enforces a rate limit the way the vendor does (see {@link RateLimit}: fixed one-second and
   * one-minute windows), each API key counted on its own, as vendors count each account: a call
   * beyond it is answered 429 with {@code Retry-After} and the vendor's error document, and is not
   * processed. Programmed {@link Faults} come first; a throttled call uses up no quota.
   *
   * @param perSecond calls per second per key, 0 for no burst limit
   * @param perMinute calls per minute per key, 0 for no steady limit
   */
  public SandboxEsp enforceRateLimit(int perSecond, int perMinute) {
    rateLimitPerKey = new RateLimit(perSecond, perMinute);
    return this;
  }

  /**
   * Like {@link #enforceRateLimit(int, int)} for one API key only (the credential as the client
   * sends it: the {@code Authorization} header's token, or an {@code Api-Key} header); it takes
   * precedence over a limit for every key.
   */
  public SandboxEsp enforceRateLimit(String apiKey, int perSecond, int perMinute) {
    rateLimitOfKey.put(apiKey, new RateLimit(perSecond, perMinute));
    return this;
  }

  /** Stops enforcing rate limits (the count of throttled calls stays). */
  public void stopEnforcingRateLimits() {
    rateLimitPerKey = null;
    rateLimitOfKey.clear();
  }

  /** Calls answered 429 because they exceeded an enforced rate limit (not programmed faults). */
  public long rateLimitedCalls() {
    return rateLimitedCalls.get();
  }

  /** Called after every recorded call, on the server thread that handled it. */
  public void onCall(Consumer<RecordedCall> listener) {
    listeners.add(listener);
  }

  /** All calls so far, in arrival order of their responses. */
  public synchronized List<RecordedCall> calls() {
    return List.copyOf(calls);
  }

  /** All accepted events so far. */
  public synchronized List<AcceptedEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Waits until at least {@code n} calls were answered and returns all calls.
   *
   * @throws AssertionError on timeout, listing the calls that did arrive
   */
  public List<RecordedCall> awaitCalls(int n, Duration timeout) {
    synchronized (this) {
      waitFor(() -> calls.size() >= n, timeout);
      if (calls.size() < n) {
        throw new AssertionError(
            "Expected at least "
                + n
                + " calls to the sandbox ESP within "
                + timeout
                + " but got "
                + calls.size()
                + describe(calls));
      }
      return List.copyOf(calls);
    }
  }

  /**
   * Waits until at least {@code n} events were accepted and returns all accepted events.
   *
   * @throws AssertionError on timeout, listing the calls that did arrive
   */
  public List<AcceptedEvent> awaitEvents(int n, Duration timeout) {
    synchronized (this) {
      waitFor(() -> events.size() >= n, timeout);
      if (events.size() < n) {
        throw new AssertionError(
            "Expected at least "
                + n
                + " accepted events within "
                + timeout
                + " but got "
                + events.size()
                + describe(calls));
      }
      return List.copyOf(events);
    }
  }

  private void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMillis <= 0) {
        return;
      }
      try {
        wait(leftMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * How many events repeated a key already received before, whether the vendor processed or dropped
   * them (0 means every event arrived at most once). Events without a key are not counted.
   */
  public synchronized long duplicateUniqueIds() {
    return uniqueIdCounts.values().stream().mapToLong(c -> c - 1).sum();
  }

  /** Accepted events per {@code unique_id}. */
  public synchronized Map<String, Long> uniqueIdCounts() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(uniqueIdCounts));
  }

  /**
   * How many events the vendor accepted but dropped as repeats (e.g. Customer.io events with an
   * {@code id} it already had); they count in {@link #duplicateUniqueIds()} too.
   */
  public synchronized long suppressedDuplicates() {
    return suppressedDuplicates;
  }

  /** Accepted events of this vendor ({@link AcceptedEvent#esp()}). */
  public synchronized List<AcceptedEvent> events(String esp) {
    return events.stream().filter(e -> e.esp().equals(esp)).toList();
  }

  /**
   * Forgets all calls, events, unique ids and what the vendor deduplicates on; clears faults and
   * enforced rate limits.
   */
  public synchronized void reset() {
    calls.clear();
    events.clear();
    uniqueIdCounts.clear();
    suppressedDuplicates = 0;
    vendor.reset();
    faults.clear();
    stopEnforcingRateLimits();
    rateLimitedCalls.set(0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    Instant receivedAt = Instant.now();
    try (exchange) {
      byte[] raw = readBody(exchange.getRequestBody());
      String body = new String(raw, StandardCharsets.UTF_8);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Map<String, List<String>> headers = redactedHeaders(exchange.getRequestHeaders());
      SandboxRequest request =
          new SandboxRequest(
              method,
              path,
              exchange.getRequestURI().getRawQuery(),
              lowerCased(exchange.getRequestHeaders()),
              raw,
              body,
              receivedAt);

      List<AcceptedEvent> accepted = new ArrayList<>();
      List<String> suppressed = new ArrayList<>();
      SandboxResponse response;
      try {
        response = respond(request, accepted, suppressed);
      } catch (RuntimeException e) {
        LOG.warn("Sandbox ESP failed on {} {}", method, path, e);
        accepted.clear();
        suppressed.clear();
        response = vendor.serverError(e.toString());
      }

      RecordedCall call =
          new RecordedCall(
              method,
              path,
              exchange.getRequestURI().getRawQuery(),
              headers,
              body,
              receivedAt,
              response.status(),
              response.body());
      // Record before answering, so a client that got its response always finds its call.
      record(call, accepted, suppressed);
      send(exchange, response);
      LOG.debug("{}", call.summary());
      for (Consumer<RecordedCall> listener : listeners) {
        listener.accept(call);
      }
    }
  }

  private synchronized void record(
      RecordedCall call, List<AcceptedEvent> accepted, List<String> suppressed) {
    calls.add(call);
    for (String key : suppressed) {
      uniqueIdCounts.merge(key, 1L, Long::sum);
      suppressedDuplicates++;
    }
    for (AcceptedEvent event : accepted) {
      events.add(event);
      if (event.uniqueId() != null) {
        uniqueIdCounts.merge(event.uniqueId(), 1L, Long::sum);
      }
    }
    notifyAll();
  }

  private SandboxResponse respond(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed) {
    Fault fault = faults.take();
    if (fault != null) {
      sleep(fault.delayDuration());
      if (fault.effectiveStatus() != 0) {
        return vendor.fault(fault.effectiveStatus(), fault.retryAfter());
      }
    }
    String key = apiKey(request);
    RateLimit limit = rateLimitOfKey.getOrDefault(key, rateLimitPerKey);
    if (limit != null) {
      long retryAfter = limit.admit(key, request.receivedAt());
      if (retryAfter >= 0) {
        rateLimitedCalls.incrementAndGet();
        return vendor.fault(429, retryAfter);
      }
    }
    return vendor.handle(request, accepted, suppressed);
  }

  /**
   * The credential as sent: the {@code Authorization} header's last token, else an API key header.
   */
  static String apiKey(SandboxRequest request) {
    String authorization = request.header("Authorization");
    if (authorization != null && !authorization.isBlank()) {
      String trimmed = authorization.trim();
      return trimmed.substring(trimmed.lastIndexOf(' ') + 1);
    }
    for (String header : List.of("api-key", "x-api-key")) {
      String value = request.header(header);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return "";
  }

  private void send(HttpExchange exchange, SandboxResponse response) throws IOException {
    Headers out = exchange.getResponseHeaders();
    response.headers().forEach(out::set);
    byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    if (!response.headers().containsKey("Content-Type")) {
      out.set("Content-Type", vendor.contentType());
    }
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static byte[] readBody(InputStream in) throws IOException {
    // Read one byte past the limit so an oversized payload is detected without buffering it all.
    byte[] bytes = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
    in.transferTo(OutputStream.nullOutputStream());
    return bytes;
  }

  private static Map<String, List<String>> lowerCased(Headers headers) {
    Map<String, List<String>> result = new TreeMap<>();
    headers.forEach(
        (name, values) -> result.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    return Collections.unmodifiableMap(result);
  }

  /** API keys are secrets: keep only their last four characters. */
  static Map<String, List<String>> redactedHeaders(Headers headers) {
    Map<String, List<String>> result = new TreeMap<>();
    headers.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          List<String> copy = new ArrayList<>();
          for (String value : values) {
            copy.add(SECRET_HEADERS.contains(lower) ? redact(value) : value);
          }
          result.put(lower, List.copyOf(copy));
        });
    return Collections.unmodifiableMap(result);
  }

  static String redact(String authorization) {
    if (authorization == null) {
      return null;
    }
    String trimmed = authorization.trim();
    int space = trimmed.lastIndexOf(' ');
    String scheme = space < 0 ? "" : trimmed.substring(0, space + 1);
    String secret = space < 0 ? trimmed : trimmed.substring(space + 1);
    String tail = secret.length() <= 8 ? "" : secret.substring(secret.length() - 4);
    return scheme + "****" + tail;
  }

  private static void sleep(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(List<RecordedCall> calls) {
    if (calls.isEmpty()) {
      return ".";
    }
    StringBuilder sb = new StringBuilder(":");
    calls.stream().limit(50).forEach(c -> sb.append("\n  ").append(c.summary()));
    if (calls.size() > 50) {
      sb.append("\n  ... and ").append(calls.size() - 50).append(" more");
    }
    return sb.toString();
  }

  /**
   * Runs the sandbox until the process is stopped: {@code SandboxEsp [port] [host] [esp]} (default
   * 8089 on 127.0.0.1, Klaviyo; see {@link SandboxVendors#NAMES}). Prints one line per call,
   * without bodies or keys.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    String host = args.length > 1 && !args[1].isBlank() ? args[1] : null;
    String espName = args.length > 2 ? args[2] : KlaviyoSandbox.NAME;
    SandboxEsp esp = start(host, port, SandboxVendors.of(espName, Set.of()));
    esp.onCall(call -> System.out.println(call.receivedAt() + " " + call.summary()));
    Runtime.getRuntime().addShutdownHook(new Thread(esp::close, "sandbox-esp-shutdown"));
    System.out.println(
        "Sandbox ESP (" + esp.vendor().describe() + ") listening on " + esp.baseUrl());
    Thread.currentThread().join();
  }
}
