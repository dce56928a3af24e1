package com.sendflowr.configservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sendflowr.configservice.ConfigStore.Mode;
import com.sendflowr.configservice.Entities.Binding;
import com.sendflowr.configservice.Entities.ConfigExport;
import com.sendflowr.configservice.Entities.EspAccount;
import com.sendflowr.configservice.Entities.Intent;
import com.sendflowr.configservice.Entities.Page;
import com.sendflowr.configservice.Entities.Principal;
import com.sendflowr.configservice.Entities.SignalMapping;
import com.sendflowr.contract.Contracts;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@value #BASE}. Every route needs a bearer token; reads need the viewer role,
 * changes to intents, signal mappings and bindings the editor role, and ESP accounts, import and
 * tokens the admin role. Bodies are snake_case JSON; errors are JSON with a stable code and, for
 * invalid input, one message per field. Updates and deletes name the version they are based on
 * ({@code If-Match} or the body's {@code version}); a stale one gets 409.
 *
 * <p>Request bodies are never logged: they may hold an ESP credential.
 */
public final class ConfigApi {
  public static final String BASE = "/api/v1";
  static final long MAX_BODY_BYTES = 4L * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(ConfigApi.class);
  private static final String PRINCIPAL = "sendflowr.principal";

  /** Stricter than the topic reader: a UI's typo in a field name is an error, not ignored. */
  private static final ObjectMapper REQUESTS =
      Contracts.mapper()
          .copy()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final ConfigStore store;
  private final ExplanationsReader explanations;
  private final byte[] openApi;

  public ConfigApi(ConfigStore store) {
    this(store, null);
  }

  /**
   * @param explanations where the decision explorer reads decisions from; null answers its routes
   *     with 503 {@code explanations_unavailable}
   */
  public ConfigApi(ConfigStore store, ExplanationsReader explanations) {
    this.store = store;
    this.explanations = explanations;
    try (InputStream in = ConfigApi.class.getResourceAsStream("/openapi.json")) {
      this.openApi = in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("openapi.json is missing from the classpath", e);
    }
  }

  /** Starts the server; port 0 picks a free one ({@link Javalin#port()}). */
  public Javalin start(String host, int port) {
    return Javalin.create(this::configure).start(host, port);
  }

  private void configure(JavalinConfig cfg) {
    cfg.startup.showJavalinBanner = false;
    cfg.startup.showOldJavalinVersionWarning = false;
    cfg.http.maxRequestSize = MAX_BODY_BYTES;
    var r = cfg.routes;
    r.before(this::authenticate);
    r.exception(ApiException.class, (e, ctx) -> json(ctx.status(e.status()), e.body()));
    r.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          json(
              ctx.status(500),
              new ApiException.ErrorBody("internal_error", "the request failed", null, null));
        });

    // The operator UI's static files; the UI itself calls the API below with the operator's token.
    OperatorUi.routes(r);

    r.get(
        BASE + "/openapi.json",
        as(Role.VIEWER, ctx -> ctx.contentType("application/json").result(openApi)));
    r.get(BASE + "/me", as(Role.VIEWER, ctx -> json(ctx, principal(ctx))));
    r.get(BASE + "/status", as(Role.VIEWER, ctx -> json(ctx, store.status())));

    r.get(BASE + "/intents", as(Role.VIEWER, ctx -> json(ctx, new Page<>(store.intents()))));
    r.get(
        BASE + "/intents/{id}",
        as(Role.VIEWER, ctx -> entity(ctx, store.intent(ctx.pathParam("id")), Intent::version)));
    r.post(
        BASE + "/intents",
        as(
            Role.EDITOR,
            ctx -> {
              Intent in = body(ctx, Intent.class);
              Intent out =
                  store.putIntent(
                      principal(ctx), Mode.CREATE, required(in.intentId(), "intent_id"), null, in);
              created(ctx, "/intents/" + out.intentId(), out, out.version());
            }));
    r.put(
        BASE + "/intents/{id}",
        as(
            Role.EDITOR,
            ctx -> {
              Intent in = body(ctx, Intent.class);
              String id = samePathId(ctx, in.intentId(), "intent_id");
              entity(
                  ctx,
                  store.putIntent(principal(ctx), Mode.UPDATE, id, expected(ctx, in.version()), in),
                  Intent::version);
            }));
    r.delete(
        BASE + "/intents/{id}",
        as(
            Role.EDITOR,
            ctx -> {
              store.deleteIntent(principal(ctx), ctx.pathParam("id"), expected(ctx, null));
              ctx.status(204);
            }));

    r.get(
        BASE + "/signal-mappings",
        as(
            Role.VIEWER,
            ctx -> json(ctx, new Page<>(store.signalMappings(ctx.queryParam("intent_id"))))));
    r.get(
        BASE + "/signal-mappings/{id}",
        as(
            Role.VIEWER,
            ctx -> entity(ctx, store.signalMapping(ctx.pathParam("id")), SignalMapping::version)));
    r.post(
        BASE + "/signal-mappings",
        as(
            Role.EDITOR,
            ctx -> {
              SignalMapping in = body(ctx, SignalMapping.class);
              SignalMapping out =
                  store.putSignalMapping(
                      principal(ctx),
                      Mode.CREATE,
                      required(in.mappingId(), "mapping_id"),
                      null,
                      in);
              created(ctx, "/signal-mappings/" + out.mappingId(), out, out.version());
            }));
    r.put(
        BASE + "/signal-mappings/{id}",
        as(
            Role.EDITOR,
            ctx -> {
              SignalMapping in = body(ctx, SignalMapping.class);
              String id = samePathId(ctx, in.mappingId(), "mapping_id");
              entity(
                  ctx,
                  store.putSignalMapping(
                      principal(ctx), Mode.UPDATE, id, expected(ctx, in.version()), in),
                  SignalMapping::version);
            }));
    r.delete(
        BASE + "/signal-mappings/{id}",
        as(
            Role.EDITOR,
            ctx -> {
              store.deleteSignalMapping(principal(ctx), ctx.pathParam("id"), expected(ctx, null));
              ctx.status(204);
            }));

    r.get(
        BASE + "/esp-accounts", as(Role.VIEWER, ctx -> json(ctx, new Page<>(store.espAccounts()))));
    r.get(
        BASE + "/esp-accounts/{id}",
        as(
            Role.VIEWER,
            ctx -> entity(ctx, store.espAccount(ctx.pathParam("id")), EspAccount::version)));
    r.post(
        BASE + "/esp-accounts",
        as(
            Role.ADMIN,
            ctx -> {
              EspAccount in = body(ctx, EspAccount.class);
              EspAccount out =
                  store.putEspAccount(
                      principal(ctx),
                      Mode.CREATE,
                      required(in.accountId(), "account_id"),
                      null,
                      in);
              created(ctx, "/esp-accounts/" + out.accountId(), out, out.version());
            }));
    r.put(
        BASE + "/esp-accounts/{id}",
        as(
            Role.ADMIN,
            ctx -> {
              EspAccount in = body(ctx, EspAccount.class);
              String id = samePathId(ctx, in.accountId(), "account_id");
              entity(
                  ctx,
                  store.putEspAccount(
                      principal(ctx), Mode.UPDATE, id, expected(ctx, in.version()), in),
                  EspAccount::version);
            }));
    r.delete(
        BASE + "/esp-accounts/{id}",
        as(
            Role.ADMIN,
            ctx -> {
              store.deleteEspAccount(principal(ctx), ctx.pathParam("id"), expected(ctx, null));
              ctx.status(204);
            }));

    r.get(
        BASE + "/bindings",
        as(Role.VIEWER, ctx -> json(ctx, new Page<>(store.bindings(ctx.queryParam("intent_id"))))));
    r.get(
        BASE + "/bindings/{id}",
        as(Role.VIEWER, ctx -> entity(ctx, store.binding(ctx.pathParam("id")), Binding::version)));
    r.post(
        BASE + "/bindings",
        as(
            Role.EDITOR,
            ctx -> {
              Binding in = body(ctx, Binding.class);
              Binding out =
                  store.putBinding(
                      principal(ctx),
                      Mode.CREATE,
                      required(in.bindingId(), "binding_id"),
                      null,
                      in);
              created(ctx, "/bindings/" + out.bindingId(), out, out.version());
            }));
    r.put(
        BASE + "/bindings/{id}",
        as(
            Role.EDITOR,
            ctx -> {
              Binding in = body(ctx, Binding.class);
              String id = samePathId(ctx, in.bindingId(), "binding_id");
              entity(
                  ctx,
                  store.putBinding(
                      principal(ctx), Mode.UPDATE, id, expected(ctx, in.version()), in),
                  Binding::version);
            }));
    r.delete(
        BASE + "/bindings/{id}",
        as(
            Role.EDITOR,
            ctx -> {
              store.deleteBinding(principal(ctx), ctx.pathParam("id"), expected(ctx, null));
              ctx.status(204);
            }));

    r.get(
        BASE + "/audit",
        as(
            Role.VIEWER,
            ctx -> {
              int limit = (int) longParam(ctx, "limit", 100);
              if (limit < 1 || limit > 1000) {
                throw ApiException.invalid("limit", "must be between 1 and 1000");
              }
              String before = ctx.queryParam("before");
              json(
                  ctx,
                  new Page<>(
                      store.audit(
                          ctx.queryParam("entity_type"),
                          ctx.queryParam("entity_id"),
                          before == null ? null : longParam(ctx, "before", 0),
                          limit)));
            }));

    r.get(
        BASE + "/export",
        as(
            Role.VIEWER,
            ctx -> {
              ConfigExport export = store.export();
              ctx.header(
                  "Content-Disposition",
                  "attachment; filename=\"sendflowr-config-v" + export.configVersion() + ".json\"");
              ctx.contentType("application/json")
                  .result(
                      Contracts.mapper()
                          .writerWithDefaultPrettyPrinter()
                          .writeValueAsString(export));
            }));
    r.post(
        BASE + "/import",
        as(
            Role.ADMIN,
            ctx ->
                json(
                    ctx,
                    store.importConfig(
                        principal(ctx),
                        body(ctx, ConfigExport.class),
                        booleanParam(ctx, "prune")))));

    // The live overview: decisions, sends and dead letters over the last hours, read only.
    r.get(
        BASE + "/overview",
        as(
            Role.VIEWER,
            ctx -> {
              long hours = longParam(ctx, "hours", 24);
              if (hours < 1 || hours > 24 * 31) {
                throw ApiException.invalid("hours", "must be between 1 and 744");
              }
              json(ctx, explanations().overview(java.time.Duration.ofHours(hours)));
            }));

    // The decision explorer: the timing job's explanations, read only.
    r.get(
        BASE + "/decisions",
        as(
            Role.VIEWER,
            ctx -> {
              int limit = (int) longParam(ctx, "limit", 50);
              if (limit < 1 || limit > 500) {
                throw ApiException.invalid("limit", "must be between 1 and 500");
              }
              json(
                  ctx,
                  new Page<>(explanations().decisionsOf(ctx.queryParam("universal_id"), limit)));
            }));
    r.get(
        BASE + "/decisions/{id}",
        as(
            Role.VIEWER,
            ctx ->
                json(
                    ctx,
                    explanations()
                        .decision(ctx.pathParam("id"))
                        .orElseThrow(
                            () -> ApiException.notFound("decision", ctx.pathParam("id"))))));

    r.get(BASE + "/tokens", as(Role.ADMIN, ctx -> json(ctx, new Page<>(store.tokens()))));
    r.post(
        BASE + "/tokens",
        as(
            Role.ADMIN,
            ctx -> {
              TokenRequest in = body(ctx, TokenRequest.class);
              if (in.role() == null) {
                throw ApiException.invalid("role", "is required");
              }
              json(
                  ctx.status(201),
                  store.createToken(
                      principal(ctx), in.name(), Role.fromWire(in.role()), in.expiresAt()));
            }));
    r.delete(
        BASE + "/tokens/{id}",
        as(
            Role.ADMIN,
            ctx -> {
              store.revokeToken(principal(ctx), ctx.pathParam("id"));
              ctx.status(204);
            }));
  }

  private ExplanationsReader explanations() {
    if (explanations == null) {
      throw ExplanationsReader.unavailable(
          "this service has no explanation store configured (--explanations-url)");
    }
    return explanations;
  }

  /** Body of {@code POST /tokens}. */
  /**
   * @param expiresAt when the token stops authenticating; absent for never
   */
  public record TokenRequest(String name, String role, Instant expiresAt) {}

  private void authenticate(Context ctx) {
    if (OperatorUi.isUiPath(ctx.path())) {
      return;
    }
    String header = ctx.header("Authorization");
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    Principal p = token == null ? null : store.authenticate(token).orElse(null);
    if (p == null) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiException(
          401, "unauthenticated", "send an API token: Authorization: Bearer <token>");
    }
    ctx.attribute(PRINCIPAL, p);
  }

  private static Handler as(Role needed, Handler h) {
    return ctx -> {
      Principal p = principal(ctx);
      if (!p.role().allows(needed)) {
        throw new ApiException(
            403,
            "forbidden",
            "this needs the " + needed.wire() + " role; the token has " + p.role().wire());
      }
      h.handle(ctx);
    };
  }

  private static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new ApiException(401, "unauthenticated", "no API token");
    }
    return p;
  }

  static <T> T body(Context ctx, Class<T> type) {
    String body = ctx.body();
    if (body == null || body.isBlank()) {
      throw ApiException.invalid("", "a JSON body is required");
    }
    try {
      T value = REQUESTS.readValue(body.getBytes(StandardCharsets.UTF_8), type);
      if (value == null) {
        throw ApiException.invalid("", "a JSON object is required");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.invalid(path(e), "is not a field of this entity");
    } catch (JsonMappingException e) {
      throw ApiException.invalid(path(e), "has the wrong type or format");
    } catch (JsonProcessingException e) {
      throw ApiException.invalid("", "the body is not valid JSON");
    } catch (IOException e) {
      throw ApiException.invalid("", "the body cannot be read");
    }
  }

  /** The JSON path of a mapping error, e.g. {@code intents[2].confidence_threshold}. */
  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String required(String id, String field) {
    if (id == null || id.isEmpty()) {
      throw ApiException.invalid(field, "is required");
    }
    return id;
  }

  private static String samePathId(Context ctx, String bodyId, String field) {
    String id = ctx.pathParam("id");
    if (bodyId != null && !bodyId.equals(id)) {
      throw ApiException.invalid(field, "differs from the id in the path (ids cannot change)");
    }
    return id;
  }

  /**
   * The version an update is based on: {@code If-Match} (an ETag as this API returns it) or the
   * body's {@code version}. Without either, an edit could silently overwrite another.
   */
  static Long expected(Context ctx, Long bodyVersion) {
    String ifMatch = ctx.header("If-Match");
    if (ifMatch != null) {
      String v = ifMatch.trim();
      if (v.startsWith("W/")) {
        v = v.substring(2);
      }
      v = v.replace("\"", "");
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw ApiException.invalid("If-Match", "must be an ETag this API returned, e.g. \"12\"");
      }
    }
    if (bodyVersion != null) {
      return bodyVersion;
    }
    throw new ApiException(
        428,
        "precondition_required",
        "name the version the change is based on: If-Match: \"<version>\" or \"version\" in the body");
  }

  /** {@code true} or {@code false}; absent is false; anything else is a field error. */
  private static boolean booleanParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw ApiException.invalid(name, "must be true or false");
  }

  private static long longParam(Context ctx, String name, long fallback) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, "must be a number");
    }
  }

  private static <T> void entity(Context ctx, T value, Function<T, Long> version) {
    ctx.header("ETag", "\"" + version.apply(value) + "\"");
    json(ctx, value);
  }

  private static void created(Context ctx, String path, Object value, long version) {
    ctx.status(201).header("Location", BASE + path).header("ETag", "\"" + version + "\"");
    json(ctx, value);
  }

  private static void json(Context ctx, Object value) {
    ctx.contentType("application/json").result(Contracts.toJson(value));
  }
}
