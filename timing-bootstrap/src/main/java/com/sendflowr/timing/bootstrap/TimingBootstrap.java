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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

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
   * @param recipientTtl the job's {@code --recipient-ttl}, for each recipient's TTL timer
   */
  public record Options(
      Path signals, Instant until, String savepoint, Path priorOut, Duration recipientTtl) {}

  /**
   * What a bootstrap did, printed as JSON.
   *
   * @param recipients recipients written to the savepoint
   * @param recipientsExpired of those, recipients inactive for longer than the TTL at {@code
   *     until}: their TTL timer is due, so the job forgets them as soon as it runs, and the prior
   *     leaves them out
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
    if (!Files.isRegularFile(o.signals())) {
      throw new BootstrapException(o.signals() + " is not a readable file");
    }
    if (isGzip(o.signals()) && !o.signals().toString().endsWith(".gz")) {
      // Flink's file source decompresses by file name; unnamed, every line would be garbage.
      throw new BootstrapException(
          o.signals() + " is gzip-compressed but its name does not end in .gz; rename it");
    }
    // The job's model: the bootstrap learns with the exact configuration the job decides with.
    ModelSpec model = ModelSpec.defaults();
    ModelConfig config = model.config();
    log.printf("bootstrap: learning %s until %s into %s%n", o.signals(), o.until(), savepoint);

    writeSavepoint(env, o, model, savepoint);
    JobExecutionResult learned = env.execute("sendflowr-bootstrap");
    long used = counter(learned, ClassifyHistory.LEARNED);
    long lines = counter(learned, ClassifyHistory.LINES);
    Map<String, Long> skipped = new TreeMap<>();
    learned
        .getAllAccumulatorResults()
        .forEach(
            (name, value) -> {
              if (name.startsWith(ClassifyHistory.SKIPPED)) {
                skipped.put(name.substring(ClassifyHistory.SKIPPED.length()), (Long) value);
              }
            });
    log.printf(
        "bootstrap: %,d lines, %,d signals learned in %.1f s%n",
        lines, used, (System.nanoTime() - t0) / 1e9);

    // A second pass over what was written: it counts the recipients the job will restore, and the
    // prior is learned from exactly their states, which the savepoint holds, not the command's
    // memory.
    SavepointPass written = readBack(o, config, savepoint);
    log.printf(
        "bootstrap: %,d recipients written (%,d inactive longer than the TTL) in %.1f s%n",
        written.recipients(), written.inactive(), (System.nanoTime() - t0) / 1e9);
    if (written.recipients() == 0) {
      throw new BootstrapException(
          "no recipient learned: "
              + o.signals()
              + " holds no learnable signal before "
              + o.until()
              + " (skipped: "
              + skipped
              + "); the savepoint written to "
              + savepoint
              + " is empty");
    }

    String priorPath = null;
    if (o.priorOut() != null) {
      writeAtomically(o.priorOut(), written.prior().toBytes());
      priorPath = o.priorOut().toString();
    }
    return new Summary(
        o.until(),
        written.recipients(),
        written.inactive(),
        lines,
        used,
        skipped,
        savepoint,
        priorPath,
        written.prior().members(),
        (System.nanoTime() - t0) / 1e9);
  }

  private static boolean isGzip(Path file) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static long counter(JobExecutionResult result, String name) {
    Object v = result.getAccumulatorResult(name);
    return v == null ? 0L : (Long) v;
  }

  /**
   * Adds the savepoint's writing to {@code env}: history read by one reader (one file is one split,
   * so each recipient's signals stay in file order), learned into the decide operator's keyed state
   * under its uid, with the job's maximum parallelism (a savepoint restores only into the same
   * one). RocksDB holds the state while it is learned, so the history's size is bounded by disk,
   * not by the command's heap.
   */
  static void writeSavepoint(
      StreamExecutionEnvironment env, Options o, ModelSpec model, String savepoint) {
    FileSource<String> lines =
        FileSource.forRecordStreamFormat(
                new TextLineInputFormat(StandardCharsets.UTF_8.name()),
                new org.apache.flink.core.fs.Path(o.signals().toAbsolutePath().toUri()))
            .build();
    DataStream<HistoryLine.Learn> learnable =
        env.fromSource(lines, WatermarkStrategy.noWatermarks(), "history")
            .setParallelism(1)
            .process(new ClassifyHistory(o.until(), model))
            .returns(JsonRecordTypeInfo.of(HistoryLine.Learn.class))
            .setParallelism(1)
            .name("classify history");
    StateBootstrapTransformation<HistoryLine.Learn> decide =
        OperatorTransformation.bootstrapWith(learnable)
            .keyBy(HistoryLine.Learn::recipient, Types.STRING)
            .transform(new LearnRecipients(model, o.recipientTtl()));
    SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), TimingJob.MAX_PARALLELISM)
        .withOperator(OperatorIdentifier.forUid(TimingTopology.UID_DECIDE), decide)
        .write(savepoint);
  }

  private record SavepointPass(long recipients, long inactive, PopulationPrior prior) {}

  /**
   * Reads the written recipients back: those inactive for longer than the TTL at {@code until} are
   * counted (the job forgets them at its first watermark, as it would have live) and left out of
   * the prior; the others are decayed to {@code until} and averaged into it.
   */
  private static SavepointPass readBack(Options o, ModelConfig config, String savepoint)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    // One reader walks the key groups in order, so the learned cohorts are reproducible.
    env.setParallelism(1);
    PopulationPrior.Builder prior = PopulationPrior.builder(config);
    long recipients = 0;
    long inactive = 0;
    long untilMillis = o.until().toEpochMilli();
    try (CloseableIterator<Tuple2<byte[], Long>> it =
        SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend())
            .readKeyedState(
                OperatorIdentifier.forUid(TimingTopology.UID_DECIDE),
                new ReadRecipients(),
                Types.STRING,
                Types.TUPLE(Types.PRIMITIVE_ARRAY(Types.BYTE), Types.LONG))
            .executeAndCollect("sendflowr-bootstrap-prior")) {
      while (it.hasNext()) {
        Tuple2<byte[], Long> r = it.next();
        recipients++;
        if (DecideFunction.ttlCheckAt(r.f1, o.recipientTtl()) <= untilMillis) {
          inactive++;
          continue;
        }
        RecipientState atUntil = RecipientState.fromBytes(r.f0);
        atUntil.decayTo(o.until(), config.halfLife());
        prior.add(atUntil);
      }
    }
    return new SavepointPass(recipients, inactive, prior.build());
  }

  /** A recipient's state bytes and last activity, as the savepoint holds them. */
  static final class ReadRecipients extends KeyedStateReaderFunction<String, Tuple2<byte[], Long>> {
    private static final long serialVersionUID = 1L;
    private transient ValueState<RecipientState> recipient;
    private transient ValueState<Long> lastActivity;

    @Override
    public void open(OpenContext openContext) {
      recipient = getRuntimeContext().getState(DecideFunction.RECIPIENT_STATE);
      lastActivity = getRuntimeContext().getState(DecideFunction.LAST_ACTIVITY);
    }

    @Override
    public void readKey(String key, Context ctx, Collector<Tuple2<byte[], Long>> out)
        throws Exception {
      RecipientState st = recipient.value();
      Long last = lastActivity.value();
      if (st != null && last != null) {
        out.collect(Tuple2.of(st.toBytes(), last));
      }
    }
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
    Path tmp = abs.resolveSibling(abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
