package com.sendflowr.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random mutations of valid records (seeded, so a failure reproduces): the parser never throws,
 * every rejection carries a reason and a detail, and whatever it accepts survives being written as
 * UTF-8 and parsed again unchanged.
 */
class ParserFuzzTest {
  /** Fixed so CI is reproducible; {@code -Dsendflowr.fuzz.seed=N} explores further. */
  private static final long SEED = Long.getLong("sendflowr.fuzz.seed", 20261201L);

  private static final int MUTATIONS_PER_RECORD =
      Integer.getInteger("sendflowr.fuzz.mutations", 4_000);
  private static final Instant NOW = Instant.now();

  /** Characters that break parsers: quotes, structure, escapes, surrogates, controls, digits. */
  private static final List<String> NASTY =
      List.of(
          "\"",
          "\\",
          "{",
          "}",
          "[",
          "]",
          ":",
          ",",
          "\\u",
          "\\ud800",
          "\\udc00",
          "\\ud83d\\ude00",
          "\uD800",
          "\uDC00",
          "\uD83D\uDE00",
          "\u0000",
          "\n",
          "\u0085",
          "\u202e",
          "\\u0000",
          "\\n",
          "0",
          "-",
          "1e999",
          "9".repeat(30),
          "null",
          "true",
          "\"x\":1",
          "\"event_id\":\"e\"",
          "2099-12-31T00:00:00Z",
          "Z",
          "T",
          "é",
          "\uFFFF",
          " ");

  static Stream<Arguments> records() {
    return Stream.of(
        Arguments.of("signal", Contracts.toJson(ContractSamples.signal()), parser("signal")),
        Arguments.of(
            "send-request", Contracts.toJson(ContractSamples.sendRequest()), parser("request")),
        Arguments.of(
            "timing-decision", Contracts.toJson(ContractSamples.decision()), parser("decision")),
        Arguments.of(
            "dispatch-outcome", Contracts.toJson(ContractSamples.outcome()), parser("outcome")),
        Arguments.of(
            "config-change", Contracts.toJson(ContractSamples.configChange()), parser("config")),
        Arguments.of(
            "dead-letter", Contracts.toJson(ContractSamples.deadLetter()), parser("dead")));
  }

  private static Function<String, Parsed<?>> parser(String which) {
    return switch (which) {
      case "signal" -> json -> Contracts.parseSignal(json, Set.of(), NOW);
      case "request" -> json -> Contracts.parseSendRequest(json, NOW);
      case "decision" -> json -> Contracts.parseDecision(json, NOW);
      case "outcome" -> json -> Contracts.parseDispatchOutcome(json, NOW);
      case "config" -> json -> Contracts.parseConfigChange(json, NOW);
      default -> json -> Contracts.parseDeadLetter(json, NOW);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  void mutationsNeverEscapeTheParserAndAcceptedRecordsRoundTrip(
      String name, String valid, Function<String, Parsed<?>> parse) {
    SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode());
    int accepted = 0;
    for (int i = 0; i < MUTATIONS_PER_RECORD; i++) {
      String input = valid;
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        input = mutate(input, random);
      }
      Parsed<?> parsed;
      try {
        parsed = parse.apply(input);
      } catch (RuntimeException ex) {
        throw new AssertionError("mutation " + i + " threw out of the parser: " + input, ex);
      }
      if (parsed instanceof Parsed.Rejected<?> r) {
        assertThat(r.reason()).as(input).isNotNull();
        assertThat(r.detail()).as(input).isNotBlank();
        assertThat(r.detail())
            .as("a rule is missing: the parser's last-resort catch fired for %s", input)
            .doesNotStartWith("the payload cannot be read into a record");
        continue;
      }
      accepted++;
      Object record = parsed.value();
      String json = Contracts.toJson(record);
      String wire = new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      if (!wire.equals(json)) {
        fail("accepted a record whose JSON changes in UTF-8: " + input);
      }
      Parsed<?> again = parse.apply(wire);
      assertThat(again.isOk()).as("re-parse of %s (from %s): %s", wire, input, again).isTrue();
      assertThat(again.value()).as(input).isEqualTo(record);
      assertThat(Contracts.toJson(again.value())).as(input).isEqualTo(json);
      assertThat(Contracts.fromCanonicalJson(wire, record.getClass())).as(input).isEqualTo(record);
    }
    // Not a bound on quality, only that the fuzzing also exercised the accepting path.
    assertThat(accepted).as("mutations accepted").isPositive();
  }

  private static String mutate(String s, SplittableRandom random) {
    int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
    return switch (random.nextInt(8)) {
      case 7 -> { // replace a whole number or string value
        int colon = s.indexOf(':', at);
        if (colon < 0) {
          yield s;
        }
        int end = colon + 1;
        if (end < s.length() && s.charAt(end) == '"') {
          end = s.indexOf('"', end + 1) + 1;
        } else {
          while (end < s.length() && "-+.eE0123456789".indexOf(s.charAt(end)) >= 0) {
            end++;
          }
        }
        yield end <= colon ? s : s.substring(0, colon + 1) + pick(random) + s.substring(end);
      }
      case 0 -> s.substring(0, at) + pick(random) + s.substring(at); // insert
      case 1 -> // replace one char
          at >= s.length()
              ? s + pick(random)
              : s.substring(0, at) + pick(random) + s.substring(at + 1);
      case 2 -> // delete a short run
          s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + random.nextInt(4)));
      case 3 -> { // duplicate a short run (repeated keys, doubled values)
        int end = Math.min(s.length(), at + 1 + random.nextInt(24));
        yield s.substring(0, end) + s.substring(at, end) + s.substring(end);
      }
      case 4 -> s.substring(0, at); // truncate
      case 5 -> s + pick(random); // trailing content
      default -> // a random BMP or supplementary code point
          s.substring(0, at)
              + new String(Character.toChars(random.nextInt(Character.MAX_CODE_POINT + 1)))
              + s.substring(at);
    };
  }

  private static String pick(SplittableRandom random) {
    return NASTY.get(random.nextInt(NASTY.size()));
  }
}
