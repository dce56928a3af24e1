package com.sendflowr.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart as Helm sees it (lint --strict, template) for the default values and production-like
 * ones, and its FlinkDeployments as the operator's CRD schema sees them.
 */
class ChartTest {
  static final Path CHART = Path.of("sendflowr").toAbsolutePath();
  static final Path PRODUCTION = Path.of("src/test/resources/values-production.yaml");
  static final ObjectMapper YAML = new YAMLMapper();

  /**
   * The FlinkDeployment schema of operator 1.10.0, the newest whose artifact is served to our
   * builds. Its flinkVersion enum predates Flink 2; the Flink 2.x values of later operators are
   * added here, and only there does this schema differ from the one shipped.
   */
  static JsonNode flinkDeploymentSchema;

  @BeforeAll
  static void loadCrd() throws Exception {
    try (InputStream in =
        ChartTest.class.getResourceAsStream(
            "/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml")) {
      JsonNode crd = YAML.readTree(in);
      JsonNode version = null;
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("name").asText().equals("v1beta1")) {
          version = v;
        }
      }
      flinkDeploymentSchema = version.path("schema").path("openAPIV3Schema");
      ArrayNode versions =
          (ArrayNode)
              flinkDeploymentSchema
                  .path("properties")
                  .path("spec")
                  .path("properties")
                  .path("flinkVersion")
                  .path("enum");
      versions.add("v2_0").add("v2_1").add("v2_2");
    }
  }

  @Test
  void lintsStrictly() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void defaultValuesRenderOneValidFlinkDeploymentPerJob() throws Exception {
    List<JsonNode> docs = render(template());
    List<JsonNode> deployments = ofKind(docs, "FlinkDeployment");
    assertThat(deployments)
        .extracting(d -> d.path("metadata").path("name").asText())
        .containsExactly("sendflowr-timing", "sendflowr-dispatch", "sendflowr-explanation-loader");
    for (JsonNode d : deployments) {
      assertThat(CrdSchema.violations(flinkDeploymentSchema, d)).as(name(d)).isEmpty();
      JsonNode spec = d.path("spec");
      assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
      assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("savepoint");
      assertThat(spec.path("job").path("jarURI").asText()).startsWith("local:///opt/flink/usrlib/");
      JsonNode conf = spec.path("flinkConfiguration");
      assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
      assertThat(conf.path("high-availability.storageDir").asText()).startsWith("s3://");
      assertThat(conf.path("execution.checkpointing.dir").asText())
          .isEqualTo("s3://sendflowr-flink/checkpoints/" + name(d));
      assertThat(conf.path("execution.checkpointing.savepoint-dir").asText())
          .isEqualTo("s3://sendflowr-flink/savepoints/" + name(d));
      assertThat(conf.path("web.submit.enable").asText()).isEqualTo("false");
    }
    assertThat(ofKind(docs, "ConfigMap")).hasSize(1);
    assertThat(ofKind(docs, "Secret")).hasSize(1);
    assertThat(ofKind(docs, "NetworkPolicy")).hasSize(1);
    assertThat(ofKind(docs, "PodMonitor")).isEmpty();
  }

  @Test
  void productionValuesSetImagesParallelismResourcesStorageAndTransactionalIds() throws Exception {
    List<JsonNode> docs = render(template().withName("prod").withValuesFile(PRODUCTION));
    Map<String, JsonNode> byName = new TreeMap<>();
    for (JsonNode d : ofKind(docs, "FlinkDeployment")) {
      assertThat(CrdSchema.violations(flinkDeploymentSchema, d)).as(name(d)).isEmpty();
      byName.put(name(d), d.path("spec"));
    }
    JsonNode timing = byName.get("prod-timing");
    assertThat(timing.path("image").asText())
        .isEqualTo("registry.example.com/sendflowr/sendflowr-timing:1.4.2");
    assertThat(timing.path("job").path("parallelism").asInt()).isEqualTo(8);
    assertThat(timing.path("taskManager").path("resource").path("memory").asText())
        .isEqualTo("8192m");
    assertThat(timing.path("taskManager").path("resource").path("cpu").asDouble()).isEqualTo(4);
    assertThat(timing.path("flinkConfiguration").path("taskmanager.numberOfTaskSlots").asText())
        .isEqualTo("4");
    assertThat(timing.path("flinkConfiguration").path("execution.checkpointing.dir").asText())
        .isEqualTo("gs://acme-sendflowr-prod/flink/checkpoints/prod-timing");
    assertThat(timing.path("job").path("args").toString()).contains("--model-file");
    assertThat(env(timing, "SENDFLOWR_TRANSACTIONAL_ID_PREFIX"))
        .isEqualTo("sendflowr-prod-eu1-timing");
    assertThat(env(byName.get("prod-dispatch"), "SENDFLOWR_TRANSACTIONAL_ID_PREFIX"))
        .isEqualTo("sendflowr-prod-eu1-dispatch");
    assertThat(byName.get("prod-dispatch").path("job").path("args").toString())
        .contains("--credentials-file", "/etc/sendflowr/esp/credentials.properties");
    // an existing Secret is referenced, not created
    assertThat(ofKind(docs, "Secret")).isEmpty();
    assertThat(byName.get("prod-dispatch").toString()).contains("sendflowr-prod-secrets");
    assertThat(ofKind(docs, "PodMonitor")).hasSize(1);
  }

  /** Secret values reach pods through Secrets only, never through a FlinkDeployment. */
  @Test
  void secretValuesStayInTheSecret() throws Exception {
    List<JsonNode> docs =
        render(
            template()
                .set("secrets.espCredentials.brand-a", "pk_live_SECRET1")
                .set("secrets.explanationsJdbcPassword", "SECRET2")
                .set("secrets.encryptionKey", "SECRET3")
                .set("secrets.configDbPassword", "SECRET4"));
    for (JsonNode d : docs) {
      if (!d.path("kind").asText().equals("Secret")) {
        assertThat(d.toString())
            .as(name(d))
            .doesNotContain("SECRET1", "SECRET2", "SECRET3", "SECRET4");
      }
    }
    JsonNode secret = ofKind(docs, "Secret").get(0).path("stringData");
    assertThat(secret.path("credentials.properties").asText()).contains("brand-a=pk_live_SECRET1");
  }

  /**
   * The config service: one replica (two outbox relays on one database would fence each other), its
   * secrets from the Secret, reachable through its Service, and outside the Flink NetworkPolicy.
   */
  @Test
  void theConfigServiceRendersAsADeploymentWithItsServiceAndAnOptionalIngress() throws Exception {
    List<JsonNode> docs = render(template());
    JsonNode deployment =
        ofKind(docs, "Deployment").stream()
            .filter(d -> d.path("metadata").path("name").asText().endsWith("-config-service"))
            .findFirst()
            .orElseThrow();
    JsonNode spec = deployment.path("spec");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    JsonNode container = spec.path("template").path("spec").path("containers").get(0);
    assertThat(container.path("image").asText()).contains("sendflowr-config-service");
    JsonNode password = null;
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals("SENDFLOWR_CONFIG_DB_PASSWORD")) {
        password = e.path("valueFrom").path("secretKeyRef");
      }
    }
    assertThat(password).isNotNull();
    assertThat(password.path("key").asText()).isEqualTo("config-db-password");
    assertThat(ofKind(docs, "Service"))
        .anySatisfy(
            svc ->
                assertThat(
                        svc.path("spec").path("selector").path("app.kubernetes.io/name").asText())
                    .isEqualTo("sendflowr-config-service"));
    assertThat(ofKind(docs, "Ingress")).isEmpty();
    JsonNode flinkPods =
        ofKind(docs, "NetworkPolicy").get(0).path("spec").path("podSelector").path("matchLabels");
    JsonNode podLabels = spec.path("template").path("metadata").path("labels");
    boolean selected = true;
    for (var it = flinkPods.fieldNames(); it.hasNext(); ) {
      String label = it.next();
      selected &= podLabels.path(label).asText().equals(flinkPods.path(label).asText());
    }
    assertThat(selected)
        .as("the Flink NetworkPolicy must not select the config service's pods")
        .isFalse();

    List<JsonNode> withIngress =
        render(
            template()
                .set("configService.ingress.enabled", "true")
                .set("configService.ingress.host", "config.brand.example")
                .set("configService.ingress.tlsSecret", "config-tls"));
    JsonNode ingress = ofKind(withIngress, "Ingress").get(0);
    assertThat(ingress.path("spec").path("rules").get(0).path("host").asText())
        .isEqualTo("config.brand.example");
    assertThat(ingress.path("spec").path("tls").get(0).path("secretName").asText())
        .isEqualTo("config-tls");
    assertThat(ofKind(render(template().set("configService.enabled", "false")), "Deployment"))
        .noneMatch(d -> d.path("metadata").path("name").asText().endsWith("-config-service"));
  }

  /** Transactional ids differ per release and namespace, so two releases never fence each other. */
  @Test
  void transactionalIdPrefixesAreUniquePerRelease() throws Exception {
    String a =
        env(spec(render(template()), "sendflowr-timing"), "SENDFLOWR_TRANSACTIONAL_ID_PREFIX");
    String b =
        env(
            spec(render(template().withName("other")), "other-timing"),
            "SENDFLOWR_TRANSACTIONAL_ID_PREFIX");
    assertThat(a).isEqualTo("sendflowr-test-sendflowr-timing");
    assertThat(b).isNotEqualTo(a);
  }

  @Test
  void theValuesSchemaRejectsUnknownKeysAndBadValues() {
    assertThatThrownBy(() -> template().set("jobs.timing.paralelism", 3).call())
        .hasMessageContaining("paralelism");
    assertThatThrownBy(() -> template().set("storage.baseUri", "file:///tmp/x").call())
        .hasMessageContaining("baseUri");
    assertThatThrownBy(() -> template().set("flinkVersion", "v1_20").call())
        .hasMessageContaining("flinkVersion");
  }

  /** The CRD check itself: a misspelt field is caught, not ignored. */
  @Test
  void theCrdCheckFailsOnUnknownFields() throws Exception {
    JsonNode d = ofKind(render(template()), "FlinkDeployment").get(0).deepCopy();
    ((ObjectNode) d.path("spec").path("job")).put("upgradeMod", "savepoint");
    ((ObjectNode) d.path("spec")).put("flinkVersion", "v3_0");
    assertThat(CrdSchema.violations(flinkDeploymentSchema, d))
        .anyMatch(v -> v.contains("upgradeMod: unknown field"))
        .anyMatch(v -> v.contains("flinkVersion"));
  }

  /**
   * The chart's cluster settings are flink-conf/config.yaml's: each key the chart sets agrees with
   * the file, and each key of the file is either in the chart or deliberately left to the template
   * or the operator.
   */
  @Test
  void clusterSettingsAgreeWithTheProjectConfigYaml() throws Exception {
    Configuration file =
        GlobalConfiguration.loadConfiguration(Path.of("../flink-conf").toAbsolutePath().toString());
    JsonNode values = YAML.readTree(CHART.resolve("values.yaml").toFile());
    Map<String, String> chart = new TreeMap<>();
    values
        .path("flinkConfiguration")
        .fields()
        .forEachRemaining(e -> chart.put(e.getKey(), e.getValue().asText()));
    for (Map.Entry<String, String> e : chart.entrySet()) {
      if (e.getKey().equals("metrics.reporter.prom.port")) {
        continue; // one reporter per pod: a fixed port instead of the file's range
      }
      assertThat(normalized(e.getValue()))
          .as(e.getKey())
          .isEqualTo(normalized(file.getString(e.getKey(), "(missing in config.yaml)")));
    }
    Set<String> setElsewhere =
        Set.of(
            // addresses, ports and sizes: the operator and the template set them per pod
            "jobmanager.rpc.address",
            "jobmanager.rpc.port",
            "jobmanager.bind-host",
            "taskmanager.bind-host",
            "taskmanager.host",
            "rest.address",
            "rest.bind-address",
            "rest.port",
            "jobmanager.memory.process.size",
            "taskmanager.memory.process.size",
            "taskmanager.numberOfTaskSlots",
            "parallelism.default",
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir");
    List<String> missing = new ArrayList<>();
    for (String key : file.keySet()) {
      if (!chart.containsKey(key) && !setElsewhere.contains(key)) {
        missing.add(key);
      }
    }
    assertThat(missing).as("config.yaml keys the chart neither sets nor explains").isEmpty();
  }

  private static String normalized(String value) {
    try {
      return TimeUtils.parseDuration(value).toString();
    } catch (RuntimeException notADuration) {
      return value.toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static TemplateCommand template() {
    return new Helm(CHART).template().withName("sendflowr").withNamespace("sendflowr-test");
  }

  private static List<JsonNode> render(TemplateCommand command) throws Exception {
    String rendered = command.call();
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(rendered)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  private static String name(JsonNode doc) {
    return doc.path("metadata").path("name").asText();
  }

  private static JsonNode spec(List<JsonNode> docs, String name) {
    return ofKind(docs, "FlinkDeployment").stream()
        .filter(d -> name(d).equals(name))
        .findFirst()
        .orElseThrow()
        .path("spec");
  }

  private static String env(JsonNode spec, String variable) {
    for (JsonNode container : spec.path("podTemplate").path("spec").path("containers")) {
      for (JsonNode e : container.path("env")) {
        if (e.path("name").asText().equals(variable)) {
          return e.path("value").asText();
        }
      }
    }
    return null;
  }
}
