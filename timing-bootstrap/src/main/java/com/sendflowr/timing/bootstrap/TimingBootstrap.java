package com.sendflowr.timing.bootstrap;

import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.timing.job.DecideFunction;
import com.sendflowr.timing.job.ModelSpec;
import com.sendflowr.timing.job.TimingJob;
import com.sendflowr.timing.job.TimingTopology;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.RecipientState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Bootstrap from history: learns recipient state from historical signals and writes it as a
 * savepoint of the timing job, so a brand that brings its history starts warm ({@code flink run -s
 * DIR}); optionally also the population prior learned from the same history, for the job's {@code
 * --prior-file}.
 *
 * <p>The savepoint holds the decide operator's recipient state, last activity and inactivity-TTL
 * timer, nothing else: context (hot paths, breakers) decays within hours and its roles are runtime
 * config; pending requests and identity links belong to the live stream. Other operators start
 * empty, which a restore allows without {@code --allowNonRestoredState}.
 */
public final class TimingBootstrap {
  /**
   * @param signals JSON lines of the signal contract, gzip-compressed or not
   * @param until signals at or after this instant are excluded
   * @param savepoint where the savepoint is written: a local directory or a file-system URI
   * @param priorOut where the population prior is written, or null for none
   * @param recipientTtl the job's {@code --recipient-ttl}: recipients inactive that long at {@code
   *     until} are left out, the others get the job's TTL timer
   */
  public record Options(
      Path signals, Instant until, String savepoint, Path priorOut, Duration recipientTtl) {}

  /**
   * What a bootstrap did, printed as JSON.
   *
   * @param recipients recipients written to the savepoint
   * @param recipientsExpired recipients left out: inactive for longer than the TTL at {@code until}
   * @param lines non-blank lines read
   * @param signalsUsed signals learned
   * @param signalsSkipped lines not learned, by reason
   * @param prior the prior file written, or null
   * @param priorMembers recipients the prior was learned from
   */
  public record Summary(
      Instant until,
      long recipients,
      long recipientsExpired,
      long lines,
      long signalsUsed,
      Map<String, Long> signalsSkipped,
      String savepoint,
      String prior,
      long priorMembers,
      double seconds) {}

  /** Thrown for a bootstrap that cannot run as asked; the message says why. */
  public static final class BootstrapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BootstrapException(String message) {
      super(message);
    }
  }

  private static final Pattern FILE_SYSTEM_URI = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://");

  private TimingBootstrap() {}

  /** Runs a bootstrap on {@code env} (a local runtime from the command, a MiniCluster in tests). */
  public static Summary run(StreamExecutionEnvironment env, Options o, PrintStream log)
      throws Exception {
    long t0 = System.nanoTime();
    String savepoint = savepointUri(o.savepoint());
    ModelConfig config = ModelSpec.defaults().config();
    log.printf("bootstrap: learning %s until %s%n", o.signals(), o.until());
    HistoryLearner history = HistoryLearner.read(o.signals(), o.until(), config);

    List<LearnedRecipient> recipients = new ArrayList<>(history.recipients().size());
    PopulationPrior.Builder prior = PopulationPrior.builder(config);
    long expired = 0;
    long untilMillis = o.until().toEpochMilli();
    // Sorted, so the learned cohorts do not depend on hash-map order.
    for (Map.Entry<String, HistoryLearner.Learned> e :
        new TreeMap<>(history.recipients()).entrySet()) {
      HistoryLearner.Learned l = e.getValue();
      if (DecideFunction.ttlCheckAt(l.lastActivityMillis(), o.recipientTtl()) <= untilMillis) {
        expired++; // the running job would have forgotten this recipient by now
        continue;
      }
      recipients.add(new LearnedRecipient(e.getKey(), l.state().toBytes(), l.lastActivityMillis()));
      RecipientState atUntil = l.state().copy();
      atUntil.decayTo(o.until(), config.halfLife());
      prior.add(atUntil);
    }
    log.printf(
        "bootstrap: %,d lines, %,d signals learned, %,d recipients (%,d inactive longer than the"
            + " TTL left out)%n",
        history.lines(), history.used(), recipients.size(), expired);
    if (recipients.isEmpty()) {
      throw new BootstrapException(
          "no recipient to bootstrap: "
              + o.signals()
              + " holds no learnable signal before "
              + o.until()
              + " from a recipient active within the TTL (skipped: "
              + history.skipped()
              + ")");
    }

    String priorPath = null;
    long priorMembers = 0;
    if (o.priorOut() != null) {
      PopulationPrior learned = prior.build();
      writeAtomically(o.priorOut(), learned.toBytes());
      priorPath = o.priorOut().toString();
      priorMembers = learned.members();
    }

    writeSavepoint(env, recipients, o.recipientTtl(), savepoint);
    env.execute("sendflowr-bootstrap");
    return new Summary(
        o.until(),
        recipients.size(),
        expired,
        history.lines(),
        history.used(),
        history.skipped(),
        savepoint,
        priorPath,
        priorMembers,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Adds the savepoint's writing to {@code env}: the decide operator's keyed state, under its uid,
   * with the job's maximum parallelism (a savepoint restores only into the same one).
   */
  static void writeSavepoint(
      StreamExecutionEnvironment env,
      List<LearnedRecipient> recipients,
      Duration recipientTtl,
      String savepoint) {
    StateBootstrapTransformation<LearnedRecipient> decide =
        OperatorTransformation.bootstrapWith(
                env.fromData(recipients, JsonRecordTypeInfo.of(LearnedRecipient.class))
                    .name("learned recipients"))
            .keyBy(LearnedRecipient::recipient, Types.STRING)
            .transform(new RecipientBootstrapFunction(recipientTtl));
    SavepointWriter.newSavepoint(env, TimingJob.MAX_PARALLELISM)
        .withOperator(OperatorIdentifier.forUid(TimingTopology.UID_DECIDE), decide)
        .write(savepoint);
  }

  /** A URI for Flink; refuses a target that already holds a savepoint rather than mixing two. */
  static String savepointUri(String target) throws IOException {
    if (FILE_SYSTEM_URI.matcher(target).lookingAt()) {
      return target; // s3://, hdfs://, file:///...: Flink's file systems check it when writing
    }
    Path dir = Path.of(target).toAbsolutePath().normalize();
    if (Files.exists(dir.resolve("_metadata"))) {
      throw new BootstrapException(dir + " already holds a savepoint; choose a new directory");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BootstrapException(dir + " is a file, not a directory");
    }
    return dir.toUri().toString();
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path abs = file.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
