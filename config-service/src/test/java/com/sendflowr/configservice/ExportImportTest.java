package com.sendflowr.configservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sendflowr.contract.Contracts;
import org.junit.jupiter.api.Test;

/** The whole config as one file: exported by one service, imported by another, in one change. */
class ExportImportTest {

  @Test
  void anExportImportedElsewhereGivesTheSameConfig() throws Exception {
    try (TestService source = TestService.onH2("export-source", null, null);
        TestService target = TestService.onH2("import-target", null, null)) {
      ApiClient a = source.admin;
      a.post(
          "/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\",\"description\":\"Jan\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"brand-a-klaviyo\",\"name\":\"A\",\"esp\":\"klaviyo\",\"credential\":\"k1\"}");
      a.post(
          "/bindings",
          "{\"binding_id\":\"promo_jan-klaviyo\",\"intent_id\":\"promo_jan\","
              + "\"account_id\":\"brand-a-klaviyo\",\"campaign_id\":\"abc123\",\"template_id\":\"promo-drip\"}");
      a.post(
          "/signal-mappings",
          "{\"mapping_id\":\"sv\",\"signal_type\":\"site_visit\",\"intent_id\":\"promo_jan\",\"role\":\"hot_path\"}");
      String file = a.get("/export").body();
      assertThat(file).doesNotContain("k1");

      ApiClient.Response imported = target.admin.post("/import", file);
      assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
      JsonNode again = target.admin.get("/export").json();
      JsonNode original = Contracts.mapper().readTree(file);
      for (String list : new String[] {"intents", "signal_mappings", "esp_accounts", "bindings"}) {
        assertThat(strip(again.get(list))).as(list).isEqualTo(strip(original.get(list)));
      }
      // Imported accounts have no credential until an admin sets one.
      assertThat(again.get("esp_accounts").get(0).get("credential_set").asBoolean()).isFalse();
      assertThat(
              target
                  .admin
                  .get("/audit?entity_type=binding")
                  .json()
                  .get("items")
                  .get(0)
                  .get("actor")
                  .asText())
          .isEqualTo("bootstrap-admin");
    }
  }

  @Test
  void aPruningImportMakesTheStoredConfigExactlyTheFile() throws Exception {
    try (TestService svc = TestService.onH2("import-prune", null, null)) {
      ApiClient a = svc.admin;
      a.post("/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-k\",\"name\":\"K\",\"esp\":\"klaviyo\",\"credential\":\"k1\"}");
      a.post(
          "/bindings",
          "{\"binding_id\":\"promo_jan-k\",\"intent_id\":\"promo_jan\",\"account_id\":\"acct-k\","
              + "\"metric_name\":\"Promo\"}");
      String reviewed = a.get("/export").body(); // the file as reviewed: promo_jan only

      a.post("/intents", "{\"intent_id\":\"promo_feb\",\"name\":\"Feb\"}");
      a.post(
          "/esp-accounts",
          "{\"account_id\":\"acct-b\",\"name\":\"B\",\"esp\":\"braze\",\"credential\":\"b1\"}");
      a.post(
          "/bindings",
          "{\"binding_id\":\"promo_feb-b\",\"intent_id\":\"promo_feb\",\"account_id\":\"acct-b\","
              + "\"campaign_id\":\"c-feb\"}");
      a.post(
          "/signal-mappings",
          "{\"mapping_id\":\"sv-feb\",\"signal_type\":\"site_visit\",\"intent_id\":\"promo_feb\","
              + "\"role\":\"hot_path\"}");

      // Without prune, nothing is deleted.
      assertThat(a.post("/import", reviewed).status()).isEqualTo(200);
      assertThat(a.get("/intents/promo_feb").status()).isEqualTo(200);

      assertThat(a.post("/import?prune=maybe", reviewed).status()).isEqualTo(400);
      ApiClient.Response pruned = a.post("/import?prune=true", reviewed);
      assertThat(pruned.status()).as(pruned.toString()).isEqualTo(200);
      JsonNode now = a.get("/export").json();
      JsonNode file = Contracts.mapper().readTree(reviewed);
      for (String list : new String[] {"intents", "signal_mappings", "esp_accounts", "bindings"}) {
        assertThat(strip(now.get(list))).as(list).isEqualTo(strip(file.get(list)));
      }
      assertThat(a.get("/intents/promo_feb").status()).isEqualTo(404);
      assertThat(a.get("/esp-accounts/acct-b").status()).isEqualTo(404);
      // The kept account keeps its credential; each deletion is in the audit trail.
      assertThat(a.get("/esp-accounts/acct-k").json().get("credential_set").asBoolean()).isTrue();
      assertThat(a.get("/audit?entity_type=binding").body()).contains("promo_feb-b");
    }
  }

  @Test
  void anInvalidFileChangesNothingAndNamesTheEntity() throws Exception {
    try (TestService svc = TestService.onH2("import-invalid", null, null)) {
      ApiClient.Response r =
          svc.admin.post(
              "/import",
              """
              {"intents":[{"intent_id":"promo_jan","name":"Promo"}],
               "esp_accounts":[{"account_id":"b","name":"B","esp":"braze"}],
               "bindings":[{"binding_id":"x","intent_id":"promo_jan","account_id":"b"}]}""");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("fields").get(0).get("field").asText())
          .isEqualTo("bindings[0].campaign_id");
      assertThat(svc.admin.get("/intents").json().get("items")).isEmpty();
    }
  }

  /** Without server-set fields, which differ between two databases. */
  private static JsonNode strip(JsonNode list) {
    JsonNode copy = list.deepCopy();
    for (JsonNode n : copy) {
      ((ObjectNode) n)
          .remove(
              java.util.List.of(
                  "version", "created_at", "updated_at", "updated_by", "credential_set"));
    }
    return copy;
  }
}
