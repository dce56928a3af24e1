package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.dispatch.esp.KlaviyoAdapter;
import com.sendflowr.dispatch.esp.RetryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
  private static final String KEY = "pk_live_0123456789abcdef";
  private static final String OTHER_KEY = "pk_live_fedcba9876543210";

  @TempDir Path dir;

  private Path credentialsFile() throws Exception {
    Path file = dir.resolve("credentials.properties");
    Files.writeString(file, "brand-a=" + KEY + "\nbrand-b=" + OTHER_KEY + "\nblank=\n");
    return file;
  }

  @Test
  void fixedKeysResolveAndAnUnknownRefIsNamedWithoutAnyKey() {
    CredentialStore store = CredentialStore.of(Map.of("brand-a", KEY, "brand-b", OTHER_KEY));
    assertThat(store.apiKey("brand-a")).isEqualTo(KEY);
    assertThatThrownBy(() -> store.apiKey("brand-c"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'brand-c'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY, OTHER_KEY));
  }

  @Test
  void aFileResolvesRefsAndErrorsNameTheRefAndFileButNeverAKey() throws Exception {
    Path file = credentialsFile();
    CredentialStore store = CredentialStore.fromFile(file);
    assertThat(store.apiKey("brand-a")).isEqualTo(KEY);
    assertThat(store.apiKey("brand-b")).isEqualTo(OTHER_KEY);

    for (String ref : new String[] {"brand-c", "blank"}) {
      assertThatThrownBy(() -> store.apiKey(ref))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'" + ref + "'")
          .hasMessageContaining(file.toString())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY, OTHER_KEY));
    }
  }

  @Test
  void aFileIsReadAgainSoARotatedKeyIsPickedUp() throws Exception {
    Path file = credentialsFile();
    CredentialStore store = CredentialStore.fromFile(file);
    assertThat(store.apiKey("brand-a")).isEqualTo(KEY);
    Files.writeString(file, "brand-a=" + OTHER_KEY + "\n");
    // Some file systems keep whole seconds: make the rewrite visible the way a rotation is.
    Files.setLastModifiedTime(
        file,
        java.nio.file.attribute.FileTime.from(
            Files.getLastModifiedTime(file).toInstant().plusSeconds(2)));
    assertThat(store.apiKey("brand-a")).isEqualTo(OTHER_KEY);
  }

  @Test
  void aMissingFileIsReportedByName() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> CredentialStore.fromFile(missing).apiKey("brand-a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void everyStoreSurvivesBeingShippedWithTheJob() throws Exception {
    // Flink serialises the ESP caller, and with it the credential store, into the job graph.
    CredentialStore fromFile =
        InstantiationUtil.clone(
            CredentialStore.fromFile(credentialsFile()), getClass().getClassLoader());
    assertThat(fromFile.apiKey("brand-a")).isEqualTo(KEY);
    // as the job ships it: inside the async ESP caller built by DispatchJob with --credentials-file
    EspCaller caller =
        new EspCaller(
            List.of(new KlaviyoAdapter()),
            Map.of(),
            CredentialStore.fromFile(credentialsFile()),
            RetryPolicy.defaults(),
            Duration.ofSeconds(1),
            EspCaller.BreakerSettings.defaults());
    assertThat(InstantiationUtil.clone(caller, getClass().getClassLoader())).isNotNull();

    CredentialStore fixed =
        InstantiationUtil.clone(
            CredentialStore.of(Map.of("brand-a", KEY)), getClass().getClassLoader());
    assertThat(fixed.apiKey("brand-a")).isEqualTo(KEY);

    assertThat(
            InstantiationUtil.clone(CredentialStore.fromEnvironment(), getClass().getClassLoader()))
        .isNotNull();
  }

  @Test
  void environmentVariablesAreNamedAfterTheRef() {
    assertThat(CredentialStore.envName("brand-a.eu")).isEqualTo("SENDFLOWR_CREDENTIAL_BRAND_A_EU");
    String ref = "absent-" + UUID.randomUUID();
    assertThatThrownBy(() -> CredentialStore.fromEnvironment().apiKey(ref))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'" + ref + "'")
        .hasMessageContaining(CredentialStore.envName(ref));
  }
}
