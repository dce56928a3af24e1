package com.sendflowr.testkit;

import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.Faults;
import com.sendflowr.sandbox.esp.KlaviyoSandbox;
import com.sendflowr.sandbox.esp.RecordedCall;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.sandbox.esp.SandboxVendors;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The sandbox ESP (a look-alike HTTP server of Klaviyo, or of the ESP named) for a test class.
 *
 * <p>Usage: {@code @RegisterExtension static final SandboxEspExtension ESP = new
 * SandboxEspExtension();}, then point the Klaviyo client at {@link #baseUrl()} with any private
 * key, e.g. {@link #API_KEY}. Recorded calls and programmed faults are cleared before each test
 * unless {@link #keepCallsBetweenTests()} was called.
 */
public final class SandboxEspExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  /** A private key tests can use; by default any non-blank key is accepted. */
  public static final String API_KEY = "pk_sandbox_0000000000000000000000test";

  private final String vendor;
  private Set<String> acceptedApiKeys = Set.of();
  private boolean resetBeforeEach = true;
  private SandboxEsp esp;

  /** The sandbox Klaviyo. */
  public SandboxEspExtension() {
    this(KlaviyoSandbox.NAME);
  }

  /**
   * The sandbox of another ESP, by the {@code esp} name bindings use (see {@link
   * SandboxVendors#NAMES}).
   */
  public SandboxEspExtension(String esp) {
    SandboxVendors.of(esp, Set.of()); // fails now, naming the known ones, for an unknown ESP
    this.vendor = esp;
  }

  /** Accept only these keys (others get the vendor's 401). Call before the class starts. */
  public SandboxEspExtension withApiKeys(String... keys) {
    this.acceptedApiKeys = Set.of(keys);
    return this;
  }

  /** Keep calls, events and faults across the tests of the class. */
  public SandboxEspExtension keepCallsBetweenTests() {
    this.resetBeforeEach = false;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    esp = SandboxEsp.start(null, 0, SandboxVendors.of(vendor, acceptedApiKeys));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (resetBeforeEach) {
      esp().reset();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (esp != null) {
      esp.close();
      esp = null;
    }
  }

  /** The running sandbox, for anything not delegated here. */
  public SandboxEsp esp() {
    if (esp == null) {
      throw new IllegalStateException(
          "Sandbox ESP is not running: register SandboxEspExtension as a static field with"
              + " @RegisterExtension");
    }
    return esp;
  }

  /** E.g. {@code http://127.0.0.1:43123}: use it as the Klaviyo API base URL. */
  public String baseUrl() {
    return esp().baseUrl();
  }

  public List<RecordedCall> calls() {
    return esp().calls();
  }

  public List<RecordedCall> awaitCalls(int n, Duration timeout) {
    return esp().awaitCalls(n, timeout);
  }

  public List<AcceptedEvent> events() {
    return esp().events();
  }

  public List<AcceptedEvent> awaitEvents(int n, Duration timeout) {
    return esp().awaitEvents(n, timeout);
  }

  public long duplicateUniqueIds() {
    return esp().duplicateUniqueIds();
  }

  public Faults faults() {
    return esp().faults();
  }

  public void reset() {
    esp().reset();
  }
}
