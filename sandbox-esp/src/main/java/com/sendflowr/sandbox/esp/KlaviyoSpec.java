package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Request-body validation against Klaviyo's published OpenAPI files (bundled unchanged under {@code
 * esp-specs/klaviyo/}).
 *
 * <p>The component schemas are OpenAPI 3.0 schema objects ({@code nullable}, {@code $ref} into
 * {@code #/components/schemas}), so they are read from the spec files at startup and validated with
 * the OpenAPI 3.0 dialect, rather than copied into a separate JSON Schema that could drift.
 */
public final class KlaviyoSpec {

  /** The API revision of the bundled spec files. */
  public static final String REVISION = "2026-07-15";

  public static final String CREATE_EVENT_SPEC = "esp-specs/klaviyo/create_event.json";
  public static final String BULK_CREATE_EVENTS_SPEC = "esp-specs/klaviyo/bulk_create_events.json";

  /** A schema violation located by a JSON pointer into the request body. */
  public record Violation(String pointer, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMPONENTS = "#/components/schemas/";
  private static final String DEFINITIONS = "#/definitions/";

  /** OpenAPI 3.0 dialect, plus {@code definitions} as the place the component schemas live. */
  private static final JsonMetaSchema DIALECT =
      JsonMetaSchema.builder(OpenApi30.getInstance())
          .keyword(new NonValidationKeyword("definitions"))
          .build();

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V4,
          builder -> builder.metaSchema(DIALECT).defaultMetaSchemaIri(DIALECT.getIri()));

  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .pathType(PathType.JSON_POINTER)
          .formatAssertionsEnabled(true)
          .build();

  private final JsonSchema createEvent;
  private final JsonSchema bulkCreateEvents;

  private KlaviyoSpec() {
    createEvent = requestSchema(CREATE_EVENT_SPEC, "EventCreateQueryV2");
    bulkCreateEvents = requestSchema(BULK_CREATE_EVENTS_SPEC, "EventsBulkCreateJob");
  }

  private static final class Holder {
    private static final KlaviyoSpec INSTANCE = new KlaviyoSpec();
  }

  /** The spec is immutable and loading it takes a moment, so one instance serves everyone. */
  public static KlaviyoSpec get() {
    return Holder.INSTANCE;
  }

  private static JsonSchema requestSchema(String resource, String component) {
    JsonNode spec = readSpec(resource);
    JsonNode schemas = spec.at("/components/schemas");
    if (!schemas.has(component)) {
      throw new IllegalStateException(resource + " has no component schema " + component);
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("$ref", DEFINITIONS + component);
    root.set("definitions", adapt(schemas.deepCopy()));
    JsonSchema schema =
        FACTORY.getSchema(SchemaLocation.of("urn:sendflowr:" + resource), root, CONFIG);
    // Resolve every $ref now so a broken spec fails at startup, not on the first request.
    schema.initializeValidators();
    return schema;
  }

  /** The unchanged spec file from the classpath. */
  public static JsonNode readSpec(String resource) {
    try (InputStream in = KlaviyoSpec.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Spec file not on the classpath: " + resource);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  /**
   * Two mechanical adaptations, both needed because a schema inside an OpenAPI document is not a
   * standalone JSON Schema: {@code $ref}s move from {@code #/components/schemas/} to {@code
   * #/definitions/} (where the components are placed), and a {@code nullable: true} next to a
   * {@code $ref} becomes {@code anyOf: [ref, null]}, since JSON Schema ignores siblings of {@code
   * $ref} while Klaviyo clearly means "this object or null" (its SDKs send null there).
   */
  private static JsonNode adapt(JsonNode node) {
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, adapt(array.get(i)));
      }
      return array;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode object = (ObjectNode) node;
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      object.set(name, adapt(object.get(name)));
    }
    JsonNode ref = object.get("$ref");
    if (ref != null && ref.isTextual()) {
      String target = ref.asText().replace(COMPONENTS, DEFINITIONS);
      if (object.path("nullable").asBoolean(false)) {
        ObjectNode wrapped = JSON.createObjectNode();
        ArrayNode anyOf = wrapped.putArray("anyOf");
        anyOf.addObject().put("$ref", target);
        anyOf.addObject().put("type", "null");
        return wrapped;
      }
      object.put("$ref", target);
    }
    return object;
  }

  /** Violations of the {@code POST /api/events} request schema; empty when valid. */
  public List<Violation> validateCreateEvent(JsonNode body) {
    return violations(createEvent.validate(body));
  }

  /** Violations of the {@code POST /api/event-bulk-create-jobs} request schema. */
  public List<Violation> validateBulkCreateEvents(JsonNode body) {
    return violations(bulkCreateEvents.validate(body));
  }

  /** As {@link #validateCreateEvent(JsonNode)} for raw JSON text. */
  public List<Violation> validateCreateEvent(String json) {
    return violations(createEvent.validate(json, InputFormat.JSON));
  }

  /** As {@link #validateBulkCreateEvents(JsonNode)} for raw JSON text. */
  public List<Violation> validateBulkCreateEvents(String json) {
    return violations(bulkCreateEvents.validate(json, InputFormat.JSON));
  }

  private static List<Violation> violations(Set<ValidationMessage> messages) {
    List<Violation> result = new ArrayList<>();
    for (ValidationMessage m : messages) {
      String pointer = m.getInstanceLocation().toString();
      // A missing property is reported on its parent; Klaviyo points at the property itself.
      if ("required".equals(m.getType()) && m.getProperty() != null) {
        pointer = pointer + "/" + m.getProperty();
      }
      if (pointer.isEmpty()) {
        pointer = "/";
      }
      result.add(new Violation(pointer, m.getMessage()));
    }
    result.sort(Comparator.comparing(Violation::pointer).thenComparing(Violation::message));
    return result;
  }
}
