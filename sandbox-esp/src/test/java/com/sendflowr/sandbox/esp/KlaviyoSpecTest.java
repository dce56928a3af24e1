package com.sendflowr.sandbox.esp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KlaviyoSpecTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static String resource(String name) {
    try (InputStream in = KlaviyoSpecTest.class.getResourceAsStream("/klaviyo/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void examplesBuiltFromTheSpecAreValid() {
    assertThat(KlaviyoSpec.get().validateCreateEvent(resource("create_event.json"))).isEmpty();
    assertThat(KlaviyoSpec.get().validateBulkCreateEvents(resource("bulk_create_events.json")))
        .isEmpty();
  }

  @Test
  void missingMetricIsReportedAtItsPointer() throws Exception {
    ObjectNode body = (ObjectNode) MAPPER.readTree(resource("create_event.json"));
    ((ObjectNode) body.at("/data/attributes")).remove("metric");
    List<KlaviyoSpec.Violation> violations = KlaviyoSpec.get().validateCreateEvent(body);
    assertThat(violations)
        .extracting(KlaviyoSpec.Violation::pointer)
        .containsExactly("/data/attributes/metric");
  }

  @Test
  void wrongTypesAndEnumsAreReported() throws Exception {
    ObjectNode body = (ObjectNode) MAPPER.readTree(resource("create_event.json"));
    ((ObjectNode) body.at("/data")).put("type", "events");
    ((ObjectNode) body.at("/data/attributes")).put("value", "nine");
    ((ObjectNode) body.at("/data/attributes")).put("time", "yesterday");
    ((ObjectNode) body.at("/data/attributes")).putNull("properties");
    List<KlaviyoSpec.Violation> violations = KlaviyoSpec.get().validateCreateEvent(body);
    assertThat(violations)
        .extracting(KlaviyoSpec.Violation::pointer)
        .contains(
            "/data/type",
            "/data/attributes/value",
            "/data/attributes/time",
            "/data/attributes/properties");
  }
}
