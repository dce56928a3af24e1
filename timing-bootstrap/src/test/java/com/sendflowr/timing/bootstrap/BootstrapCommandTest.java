package com.sendflowr.timing.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's typed options and exit codes; the bootstrap itself is TimingBootstrapTest's. */
class BootstrapCommandTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return BootstrapCommand.execute(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anInstantThatIsNotIsoIsAUsageError() {
    assertThat(run("--signals", "x", "--until", "yesterday", "--savepoint", "y")).isEqualTo(2);
    assertThat(err()).contains("'yesterday' is not an ISO-8601 instant");
    assertThat(out.size()).isZero();
  }

  @Test
  void requiredOptionsAreNamed() {
    assertThat(run("--signals", "x")).isEqualTo(2);
    assertThat(err()).contains("--until").contains("--savepoint");
  }

  @Test
  void theTtlTakesTheJobsDurationSyntax() {
    assertThat(
            run(
                "--signals",
                "x",
                "--until",
                "2026-01-01T00:00:00Z",
                "--savepoint",
                "y",
                "--recipient-ttl",
                "a while"))
        .isEqualTo(2);
    assertThat(err()).contains("--recipient-ttl must be a duration like");
  }

  @Test
  void aMissingFileFailsWithItsName() {
    Path missing = tmp.resolve("missing.jsonl");
    assertThat(
            run(
                "--signals",
                missing.toString(),
                "--until",
                "2026-01-01T00:00:00Z",
                "--savepoint",
                tmp.resolve("sp").toString()))
        .isEqualTo(1);
    assertThat(err()).contains("bootstrap failed: " + missing + " is not a readable file");
  }
}
