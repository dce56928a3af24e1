package com.sendflowr.ops;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.Topics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/sendflowr dead-letters replay ...}: see {@link DeadLetterReplay}. */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    subcommands = {DeadLettersCommand.Replay.class},
    description = "Work with the dead-letter topic.")
public final class DeadLettersCommand {
  public static void main(String[] args) {
    System.exit(new CommandLine(new DeadLettersCommand()).execute(args));
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Sends the matching dead letters back to the topics they came from, once their cause is"
            + " fixed. Reads the topic as it is when the replay starts. Prints a JSON report.",
        "Send requests are de-duplicated by request_id downstream, so replaying twice is safe for"
            + " them; a signal replayed twice is counted twice. Use --dry-run first."
      })
  static final class Replay implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka, host:port")
    String bootstrapServers;

    @Option(
        names = "--dead-letters-topic",
        defaultValue = Topics.DEAD_LETTERS,
        description = "(default: ${DEFAULT-VALUE})")
    String topic;

    @Option(
        names = "--reason",
        description = "only these reasons (repeatable), e.g. unknown_intent; default: all")
    List<String> reasons = List.of();

    @Option(
        names = "--stage",
        description = "only these stages (repeatable), e.g. timing-job/requests; default: all")
    List<String> stages = List.of();

    @Option(names = "--since", description = "only dead letters rejected at or after (ISO-8601)")
    Instant since;

    @Option(names = "--until", description = "only dead letters rejected before (ISO-8601)")
    Instant until;

    @Option(names = "--dry-run", description = "count what would be replayed, send nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      Set<RejectReason> parsedReasons =
          Set.copyOf(reasons.stream().map(DeadLettersCommand::reason).toList());
      DeadLetterReplay.Report r =
          new DeadLetterReplay(bootstrapServers, topic)
              .replay(
                  new DeadLetterReplay.Filter(parsedReasons, Set.copyOf(stages), since, until),
                  dryRun);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("dry_run", r.dryRun());
      out.put("scanned", r.scanned());
      out.put("matched", r.matched());
      out.put("replayed", r.replayed());
      out.put("skipped_truncated", r.skippedTruncated());
      out.put("skipped_without_source", r.skippedWithoutSource());
      out.put("unreadable", r.unreadable());
      out.put("replayed_by_topic", r.replayedByTopic());
      System.out.println(Contracts.toJson(out));
      return 0;
    }
  }

  static RejectReason reason(String wire) {
    for (RejectReason r : RejectReason.values()) {
      if (r.wire().equals(wire)) {
        return r;
      }
    }
    throw new CommandLine.TypeConversionException(
        "unknown reason '"
            + wire
            + "'; one of "
            + List.of(RejectReason.values()).stream().map(RejectReason::wire).toList());
  }
}
