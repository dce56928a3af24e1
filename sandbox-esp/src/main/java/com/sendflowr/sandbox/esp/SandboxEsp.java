package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Klaviyo's event APIs: a real HTTP server that checks requests the way
 * Klaviyo does (API key, {@code revision} header, JSON:API media types, request body against the
 * published OpenAPI schema), records every call, and can be programmed to rate-limit, fail or
 * stall.
 *
 * <p>Endpoints: {@value #CREATE_EVENT_PATH} (202, empty body) and {@value #BULK_CREATE_EVENTS_PATH}
 * (202, at most {@value #MAX_BULK_EVENTS} events). Errors use Klaviyo's JSON:API error document.
 * Every accepted event's {@code unique_id} is counted so tests can assert that no event was sent
 * twice.
 */
public final class SandboxEsp implements AutoCloseable {

  public static final String CREATE_EVENT_PATH = "/api/events";
  public static final String BULK_CREATE_EVENTS_PATH = "/api/event-bulk-create-jobs";
  public static final int MAX_BULK_EVENTS = 1000;
  public static final int MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;
  public static final int MAX_STRING_CHARS = 100 * 1024;
  public static final int MAX_METRIC_NAME_CHARS = 127;

  static final String JSON_API = "application/vnd.api+json";
  private static final Pattern API_KEY = Pattern.compile("^Klaviyo-API-Key\\s+(\\S+)\\s*$");
  private static final Pattern REVISION =
      Pattern.compile("^\\d{4}-\\d{2}-\\d{2}(\\.[A-Za-z0-9]+)?$");
  private static final List<String> PROFILE_IDENTIFIERS =
      List.of("email", "phone_number", "external_id", "anonymous_id", "_kx");
  private static final Logger LOG = LoggerFactory.getLogger(SandboxEsp.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final Set<String> acceptedApiKeys;
  private final KlaviyoSpec spec = KlaviyoSpec.get();
  private final Faults faults = new Faults();
  private final List<RecordedCall> calls = new ArrayList<>();
  private final List<AcceptedEvent> events = new ArrayList<>();
  private final Map<String, Long> uniqueIdCounts = new LinkedHashMap<>();
  private final List<Consumer<RecordedCall>> listeners = new CopyOnWriteArrayList<>();

  private SandboxEsp(String host, int port, Set<String> acceptedApiKeys) throws IOException {
    this.acceptedApiKeys = Set.copyOf(acceptedApiKeys);
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
    try {
      return new SandboxEsp(host, port, acceptedApiKeys);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the sandbox ESP on port " + port, e);
    }
  }

  /** E.g. {@code http://127.0.0.1:43123}; the Klaviyo base URL to configure in the client. */
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
   * How many accepted events repeated a {@code unique_id} already accepted before (0 means every
   * event arrived at most once). Events without a {@code unique_id} are not counted.
   */
  public synchronized long duplicateUniqueIds() {
    return uniqueIdCounts.values().stream().mapToLong(c -> c - 1).sum();
  }

  /** Accepted events per {@code unique_id}. */
  public synchronized Map<String, Long> uniqueIdCounts() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(uniqueIdCounts));
  }

  /** Forgets all calls, events and unique ids, and clears the faults. */
  public synchronized void reset() {
    calls.clear();
    events.clear();
    uniqueIdCounts.clear();
    faults.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------

  private record Response(int status, String body, Map<String, String> headers) {
    static Response accepted() {
      return new Response(202, "", Map.of());
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    Instant receivedAt = Instant.now();
    try (exchange) {
      byte[] raw = readBody(exchange.getRequestBody());
      String body = new String(raw, StandardCharsets.UTF_8);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Map<String, List<String>> headers = redactedHeaders(exchange.getRequestHeaders());

      List<AcceptedEvent> accepted = new ArrayList<>();
      Response response;
      try {
        response = respond(exchange, method, path, raw, body, receivedAt, accepted);
      } catch (RuntimeException e) {
        LOG.warn("Sandbox ESP failed on {} {}", method, path, e);
        response = error(500, "error", "A server error occurred.", e.toString(), null, null);
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
      record(call, accepted);
      send(exchange, response);
      LOG.debug("{}", call.summary());
      for (Consumer<RecordedCall> listener : listeners) {
        listener.accept(call);
      }
    }
  }

  private synchronized void record(RecordedCall call, List<AcceptedEvent> accepted) {
    calls.add(call);
    for (AcceptedEvent event : accepted) {
      events.add(event);
      if (event.uniqueId() != null) {
        uniqueIdCounts.merge(event.uniqueId(), 1L, Long::sum);
      }
    }
    notifyAll();
  }

  private Response respond(
      HttpExchange exchange,
      String method,
      String path,
      byte[] raw,
      String body,
      Instant receivedAt,
      List<AcceptedEvent> accepted) {
    Fault fault = faults.take();
    if (fault != null) {
      sleep(fault.delayDuration());
      if (fault.effectiveStatus() != 0) {
        return faultResponse(fault);
      }
    }

    boolean bulk = BULK_CREATE_EVENTS_PATH.equals(path);
    if (!bulk && !CREATE_EVENT_PATH.equals(path)) {
      return error(404, "not_found", "Not found.", "No endpoint at " + path, null, null);
    }
    if (!"POST".equals(method)) {
      return new Response(
          405,
          errorBody(
              405,
              "method_not_allowed",
              "Method not allowed.",
              "Method \"" + method + "\" not allowed.",
              null,
              null),
          Map.of("Allow", "POST"));
    }

    Headers h = exchange.getRequestHeaders();
    String authorization = h.getFirst("Authorization");
    Matcher key = authorization == null ? null : API_KEY.matcher(authorization);
    if (key == null || !key.matches()) {
      return error(
          401,
          "not_authenticated",
          "Authentication credentials were not provided.",
          "Missing or invalid private key. Send the header 'Authorization: Klaviyo-API-Key"
              + " <private key>'.",
          null,
          null);
    }
    if (!acceptedApiKeys.isEmpty() && !acceptedApiKeys.contains(key.group(1))) {
      return error(
          401,
          "authentication_failed",
          "Incorrect authentication credentials.",
          "The private API key is not valid.",
          null,
          null);
    }

    String revision = h.getFirst("revision");
    if (revision == null || revision.isBlank()) {
      return error(
          400,
          "invalid",
          "Invalid input.",
          "Missing required header 'revision'.",
          null,
          "revision");
    }
    if (!REVISION.matcher(revision.trim()).matches()) {
      return error(
          400,
          "invalid",
          "Invalid input.",
          "Invalid revision '" + revision + "': expected YYYY-MM-DD[.suffix].",
          null,
          "revision");
    }

    String contentType = h.getFirst("Content-Type");
    if (contentType == null || !isJsonMediaType(contentType)) {
      return error(
          415,
          "unsupported_media_type",
          "Unsupported media type.",
          "Unsupported media type \"" + contentType + "\" in request; use " + JSON_API + ".",
          null,
          null);
    }
    String accept = h.getFirst("Accept");
    if (accept != null && !acceptsJson(accept)) {
      return error(
          406,
          "not_acceptable",
          "Could not satisfy the request Accept header.",
          "Accept header \"" + accept + "\" does not allow " + JSON_API + ".",
          null,
          null);
    }

    if (raw.length > MAX_PAYLOAD_BYTES) {
      return error(
          413,
          "request_too_large",
          "Request entity too large.",
          "The payload is " + raw.length + " bytes; the maximum is " + MAX_PAYLOAD_BYTES + ".",
          null,
          null);
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return error(
          400,
          "parse_error",
          "Malformed request.",
          "JSON parse error - " + e.getOriginalMessage(),
          "/data",
          null);
    }
    if (json == null || json.isMissingNode()) {
      return error(
          400, "parse_error", "Malformed request.", "Request body is empty.", "/data", null);
    }

    List<KlaviyoSpec.Violation> violations =
        bulk ? spec.validateBulkCreateEvents(json) : spec.validateCreateEvent(json);
    if (!violations.isEmpty()) {
      return invalid(violations);
    }

    List<AcceptedEvent> parsed = new ArrayList<>();
    List<KlaviyoSpec.Violation> semantic =
        bulk ? checkBulk(json, receivedAt, parsed) : checkCreate(json, receivedAt, parsed);
    String tooLong = findLongString(json, "");
    if (tooLong != null) {
      semantic.add(
          new KlaviyoSpec.Violation(
              tooLong, "A single string cannot exceed " + MAX_STRING_CHARS + " characters."));
    }
    if (!semantic.isEmpty()) {
      return invalid(semantic);
    }
    accepted.addAll(parsed);
    return Response.accepted();
  }

  private List<KlaviyoSpec.Violation> checkCreate(
      JsonNode json, Instant receivedAt, List<AcceptedEvent> out) {
    List<KlaviyoSpec.Violation> violations = new ArrayList<>();
    JsonNode attributes = json.at("/data/attributes");
    JsonNode profile = attributes.at("/profile/data");
    checkProfile(profile, "/data/attributes/profile/data", violations);
    checkEvent(attributes, "/data/attributes", receivedAt, violations);
    out.add(event(CREATE_EVENT_PATH, receivedAt, profile, attributes));
    return violations;
  }

  private List<KlaviyoSpec.Violation> checkBulk(
      JsonNode json, Instant receivedAt, List<AcceptedEvent> out) {
    List<KlaviyoSpec.Violation> violations = new ArrayList<>();
    String listPointer = "/data/attributes/events-bulk-create/data";
    JsonNode entries = json.at(listPointer);
    int total = 0;
    for (int i = 0; i < entries.size(); i++) {
      String entryPointer = listPointer + "/" + i + "/attributes";
      JsonNode entry = entries.get(i).path("attributes");
      JsonNode profile = entry.at("/profile/data");
      checkProfile(profile, entryPointer + "/profile/data", violations);
      JsonNode entryEvents = entry.at("/events/data");
      for (int j = 0; j < entryEvents.size(); j++) {
        JsonNode attributes = entryEvents.get(j).path("attributes");
        checkEvent(
            attributes, entryPointer + "/events/data/" + j + "/attributes", receivedAt, violations);
        out.add(event(BULK_CREATE_EVENTS_PATH, receivedAt, profile, attributes));
        total++;
      }
    }
    if (total > MAX_BULK_EVENTS) {
      violations.add(
          0,
          new KlaviyoSpec.Violation(
              listPointer,
              "A bulk create job accepts at most "
                  + MAX_BULK_EVENTS
                  + " events; this request has "
                  + total
                  + "."));
    }
    return violations;
  }

  private static void checkProfile(
      JsonNode profile, String pointer, List<KlaviyoSpec.Violation> violations) {
    if (hasText(profile.get("id"))) {
      return;
    }
    JsonNode attributes = profile.path("attributes");
    for (String identifier : PROFILE_IDENTIFIERS) {
      if (hasText(attributes.get(identifier))) {
        return;
      }
    }
    violations.add(
        new KlaviyoSpec.Violation(
            pointer + "/attributes",
            "A profile needs at least one identifier: id, email, phone_number, external_id,"
                + " anonymous_id or _kx."));
  }

  private static void checkEvent(
      JsonNode attributes, String pointer, Instant now, List<KlaviyoSpec.Violation> violations) {
    String name = attributes.at("/metric/data/attributes/name").asText("");
    if (name.isBlank() || name.length() > MAX_METRIC_NAME_CHARS) {
      violations.add(
          new KlaviyoSpec.Violation(
              pointer + "/metric/data/attributes/name",
              "The metric name must be 1 to " + MAX_METRIC_NAME_CHARS + " characters long."));
    }
    JsonNode properties = attributes.path("properties");
    if (properties.size() > 400) {
      violations.add(
          new KlaviyoSpec.Violation(
              pointer + "/properties", "An event must not have more than 400 properties."));
    }
    JsonNode time = attributes.get("time");
    if (time != null && time.isTextual()) {
      try {
        Instant t = OffsetDateTime.parse(time.asText()).toInstant();
        if (t.isBefore(Instant.parse("1990-01-01T00:00:00Z"))
            || t.isAfter(now.plus(Duration.ofDays(365)))) {
          violations.add(
              new KlaviyoSpec.Violation(
                  pointer + "/time",
                  "The time must be after 1990 and at most 1 year in the future."));
        }
      } catch (DateTimeParseException e) {
        violations.add(new KlaviyoSpec.Violation(pointer + "/time", "Invalid date-time."));
      }
    }
  }

  private static AcceptedEvent event(
      String path, Instant receivedAt, JsonNode profile, JsonNode attributes) {
    JsonNode uniqueId = attributes.get("unique_id");
    return new AcceptedEvent(
        path,
        receivedAt,
        hasText(uniqueId) ? uniqueId.asText() : null,
        attributes.at("/metric/data/attributes/name").asText(null),
        profile,
        attributes);
  }

  private static String findLongString(JsonNode node, String pointer) {
    if (node.isTextual()) {
      return node.asText().length() > MAX_STRING_CHARS ? (pointer.isEmpty() ? "/" : pointer) : null;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = findLongString(node.get(i), pointer + "/" + i);
        if (found != null) {
          return found;
        }
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String found =
            findLongString(
                field.getValue(),
                pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1"));
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean hasText(JsonNode node) {
    return node != null && node.isTextual() && !node.asText().isBlank();
  }

  private static boolean isJsonMediaType(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals(JSON_API) || type.equals("application/json");
  }

  private static boolean acceptsJson(String accept) {
    for (String part : accept.split(",")) {
      String type = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (type.equals(JSON_API)
          || type.equals("application/json")
          || type.equals("application/*")
          || type.equals("*/*")) {
        return true;
      }
    }
    return false;
  }

  private static Response faultResponse(Fault fault) {
    int status = fault.effectiveStatus();
    Map<String, String> headers = new HashMap<>();
    if (fault.retryAfter() >= 0) {
      headers.put("Retry-After", String.valueOf(fault.retryAfter()));
    }
    String body;
    if (status == 429) {
      long seconds = Math.max(fault.retryAfter(), 0);
      body =
          errorBody(
              429,
              "throttled",
              "Request was throttled.",
              "Request was throttled. Expected available in "
                  + seconds
                  + " second"
                  + (seconds == 1 ? "" : "s")
                  + ".",
              null,
              null);
    } else if (status >= 500) {
      body =
          errorBody(
              status,
              "error",
              "A server error occurred.",
              "Sandbox fault " + status + ".",
              null,
              null);
    } else {
      body =
          errorBody(status, "error", "Client error.", "Sandbox fault " + status + ".", null, null);
    }
    return new Response(status, body, headers);
  }

  private static Response invalid(List<KlaviyoSpec.Violation> violations) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode errors = root.putArray("errors");
    for (KlaviyoSpec.Violation v : violations.subList(0, Math.min(violations.size(), 20))) {
      errors.add(errorNode(400, "invalid", "Invalid input.", v.message(), v.pointer(), null));
    }
    return new Response(400, root.toString(), Map.of());
  }

  private static Response error(
      int status, String code, String title, String detail, String pointer, String parameter) {
    return new Response(
        status, errorBody(status, code, title, detail, pointer, parameter), Map.of());
  }

  static String errorBody(
      int status, String code, String title, String detail, String pointer, String parameter) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("errors").add(errorNode(status, code, title, detail, pointer, parameter));
    return root.toString();
  }

  private static ObjectNode errorNode(
      int status, String code, String title, String detail, String pointer, String parameter) {
    ObjectNode error = JSON.createObjectNode();
    error.put("id", UUID.randomUUID().toString());
    error.put("status", status);
    error.put("code", code);
    error.put("title", title);
    error.put("detail", detail);
    ObjectNode source = error.putObject("source");
    if (parameter != null) {
      source.put("parameter", parameter);
    } else {
      source.put("pointer", pointer == null ? "/data/" : pointer);
    }
    return error;
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    Headers out = exchange.getResponseHeaders();
    response.headers().forEach(out::set);
    byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    out.set("Content-Type", JSON_API);
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

  /** The API key is a secret: keep only its last four characters. */
  static Map<String, List<String>> redactedHeaders(Headers headers) {
    Map<String, List<String>> result = new TreeMap<>();
    headers.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          List<String> copy = new ArrayList<>();
          for (String value : values) {
            copy.add(lower.equals("authorization") ? redact(value) : value);
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
   * Runs the sandbox until the process is stopped: {@code SandboxEsp [port] [host]} (default 8089
   * on 127.0.0.1). Prints one line per call, without bodies or keys.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    String host = args.length > 1 ? args[1] : null;
    SandboxEsp esp = start(host, port, Set.of());
    esp.onCall(call -> System.out.println(call.receivedAt() + " " + call.summary()));
    Runtime.getRuntime().addShutdownHook(new Thread(esp::close, "sandbox-esp-shutdown"));
    System.out.println(
        "Sandbox ESP (Klaviyo " + KlaviyoSpec.REVISION + ") listening on " + esp.baseUrl());
    Thread.currentThread().join();
  }
}
