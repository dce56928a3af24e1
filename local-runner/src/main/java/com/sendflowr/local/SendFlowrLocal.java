package com.sendflowr.local;

import com.sendflowr.configservice.ConfigService;
import com.sendflowr.configservice.CredentialCipher;
import com.sendflowr.configservice.ExplanationsReader;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.CredentialStore;
import com.sendflowr.explanations.DeadLetterLog;
import com.sendflowr.explanations.DispatchLog;
import com.sendflowr.explanations.ExplanationStore;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.KafkaBrokerExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The whole system in one process on embedded defaults: a Kafka broker, the timing job, the
 * dispatch job and the explanation loader on local Flink runtimes, the sandbox Klaviyo, the config
 * service (its API on an in-memory database, publishing to the config topic), an embedded
 * explanation store (H2, or ClickHouse when {@code --clickhouse-jdbc-url} is given) and demo
 * traffic. Prints signals in, decisions, stored explanations, ESP calls and dead letters until
 * stopped or {@code --duration} ends.
 *
 * <p>Flags: {@code --duration 2m}, {@code --clickhouse-jdbc-url jdbc:clickhouse://...}, {@code
 * --sandbox-port 18080}, {@code --config-port 8090} (the config service's API), {@code
 * --demo-interval 3s}, {@code --quiet-demo} (no demo traffic: feed the topics yourself).
 */
public final class SendFlowrLocal {
  static final String SANDBOX_KEY = "pk_local_sandbox_key";
  static final String CREDENTIAL_REF = "local-klaviyo";

  private final AtomicLong signals = new AtomicLong();
  private final AtomicLong decisions = new AtomicLong();
  private final AtomicLong espCalls = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong explanationsStored = new AtomicLong();
  private volatile boolean running = true;

  public static void main(String[] args) throws Exception {
    JobArgs flags = JobArgs.parse(args, Map.of());
    if (flags.has("help")) {
      System.out.println(
          "usage: sendflowr local [--duration 2m] [--clickhouse-jdbc-url URL]"
              + " [--sandbox-port N] [--config-port 8090] [--demo-interval 3s] [--quiet-demo]");
      return;
    }
    new SendFlowrLocal().run(flags);
    System.exit(0); // Flink's and Kafka's non-daemon threads would otherwise keep the JVM alive
  }

  void run(JobArgs flags) throws Exception {
    Duration duration = flags.has("duration") ? flags.duration("duration", null) : null;
    Duration demoInterval = flags.duration("demo-interval", Duration.ofSeconds(3));
    PipelineTopics topics = PipelineTopics.defaults();
    List<AutoCloseable> toClose = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "sendflowr-stop"));

    say("starting an embedded Kafka broker ...");
    KafkaBrokerExtension broker = new KafkaBrokerExtension();
    broker.start();
    toClose.add(broker::stop);
    broker.createTopics(topics.eventTopics().toArray(String[]::new));
    broker.createTopic(topics.connectorConfig(), 1, Map.of("cleanup.policy", "compact"));
    say("  broker at " + broker.bootstrapServers());

    SandboxEsp sandbox =
        SandboxEsp.start(Integer.parseInt(flags.get("sandbox-port", "0")), Set.of(SANDBOX_KEY));
    toClose.add(sandbox);
    sandbox.onCall(
        call -> {
          espCalls.incrementAndGet();
          say("ESP call " + call.summary() + " at " + call.receivedAt());
        });
    say("sandbox Klaviyo at " + sandbox.baseUrl());

    String jdbcUrl = flags.get("clickhouse-jdbc-url", "jdbc:h2:mem:sendflowr;DB_CLOSE_DELAY=-1");
    Connection store = DriverManager.getConnection(jdbcUrl);
    toClose.add(store);
    try (Statement st = store.createStatement()) {
      st.execute(ExplanationStore.ddlFor(jdbcUrl));
      st.execute(DispatchLog.DEFINITION.ddlFor(jdbcUrl));
      st.execute(DeadLetterLog.DEFINITION.ddlFor(jdbcUrl));
    }
    say("explanation store: " + (jdbcUrl.startsWith("jdbc:h2:") ? "embedded H2" : jdbcUrl));

    // The config service on a throwaway in-memory database: its outbox relay publishes to the
    // config topic, and it keeps the dispatch job's credentials file in sync with its accounts.
    Path credentialsFile = Files.createTempDirectory("sendflowr-local").resolve("credentials");
    ConfigService config =
        ConfigService.start(
            new ConfigService.Options(
                "jdbc:h2:mem:sendflowr-config;DB_CLOSE_DELAY=-1",
                null,
                null,
                "127.0.0.1",
                Integer.parseInt(flags.get("config-port", "8090")),
                CredentialCipher.ofBase64(randomKey()),
                broker.bootstrapServers(),
                topics.connectorConfig(),
                credentialsFile),
            // The UI's decision explorer reads the explanations the loader stores here.
            explanationsReader(jdbcUrl));
    toClose.add(0, config::close);
    say("config service API at " + config.apiUrl("127.0.0.1"));
    config
        .uiUrl("127.0.0.1")
        .ifPresent(url -> say("operator UI at " + url + " (sign in with the admin token)"));
    config.bootstrapAdminToken().ifPresent(token -> say("  admin token (shown once): " + token));
    DemoConfig.seed(
        config.store(), CREDENTIAL_REF, sandbox.baseUrl(), SANDBOX_KEY, this::announceInput);

    KafkaProducer<String, String> producer = broker.newProducer(new Properties());
    toClose.add(producer);
    DemoTraffic demo =
        new DemoTraffic(
            topics, (topic, key, value) -> producer.send(new ProducerRecord<>(topic, key, value)));

    LocalPipeline pipeline =
        new LocalPipeline(
            broker.bootstrapServers(),
            topics,
            jdbcUrl,
            Map.of("klaviyo", sandbox.baseUrl()),
            CredentialStore.fromFile(credentialsFile),
            Duration.ofSeconds(1),
            "sendflowr-local");
    say(
        "starting the timing job, the dispatch job and the explanation loader on local Flink"
            + " runtimes ...");
    JobClient timing = pipeline.startTiming(localFlink(8081));
    JobClient dispatch = pipeline.startDispatch(localFlink(8082));
    JobClient loader = pipeline.startExplanationLoader(localFlink(8083));
    toClose.add(0, () -> loader.cancel().get(30, TimeUnit.SECONDS));
    toClose.add(0, () -> dispatch.cancel().get(30, TimeUnit.SECONDS));
    toClose.add(0, () -> timing.cancel().get(30, TimeUnit.SECONDS));
    say(
        "  Flink web UIs: http://127.0.0.1:8081 (timing), http://127.0.0.1:8082 (dispatch),"
            + " http://127.0.0.1:8083 (explanation loader)");

    Thread storeWatcher = new Thread(() -> watchStore(store), "sendflowr-watch-store");
    storeWatcher.setDaemon(true);
    storeWatcher.start();

    Thread watcher = new Thread(() -> watch(broker, topics), "sendflowr-watch");
    watcher.setDaemon(true);
    watcher.start();

    if (!flags.has("quiet-demo")) {
      Thread generator =
          new Thread(
              () -> {
                demo.sendHistory(this::announceInput);
                sleep(Duration.ofSeconds(5)); // let the history land before the first request
                demo.sendMalformedSignal(this::announceInput);
                while (running) {
                  demo.tick(this::announceInput);
                  sleep(demoInterval);
                }
              },
              "sendflowr-demo");
      generator.setDaemon(true);
      generator.start();
    }

    if (duration != null) {
      say("running for " + duration + " (Ctrl-C to stop earlier)");
      stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      say("running until Ctrl-C");
      stopped.await();
    }
    running = false;
    say(
        String.format(
            "stopping: %d signals in, %d decisions, %d explanations stored, %d ESP calls,"
                + " %d dead letters",
            signals.get(),
            decisions.get(),
            explanationsStored.get(),
            espCalls.get(),
            deadLetters.get()));
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        say("  while stopping: " + e);
      }
    }
  }

  private void announceInput(String what, String json) {
    if (what.startsWith("signal")) {
      signals.incrementAndGet();
    }
    say("in      " + what);
  }

  /** Prints what the jobs write: decisions, outcomes and dead letters (committed only). */
  private void watch(KafkaBrokerExtension broker, PipelineTopics topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "sendflowr-local-watch");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer = broker.newConsumer(props)) {
      consumer.subscribe(List.of(topics.decisions(), topics.outcomes(), topics.deadLetters()));
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          describe(topics, r);
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        say("watcher stopped: " + e);
      }
    }
  }

  /**
   * Prints how many explanation rows the loader has put in the store, whenever that changes. The
   * ClickHouse 18 driver cannot read, so against it the count is not shown.
   */
  private void watchStore(Connection store) {
    String count = "SELECT count(*) FROM " + ExplanationStore.TABLE;
    while (running) {
      try (Statement st = store.createStatement();
          ResultSet rs = st.executeQuery(count)) {
        rs.next();
        long rows = rs.getLong(1);
        if (rows != explanationsStored.getAndSet(rows)) {
          say("stored  " + rows + " explanation row(s) in " + ExplanationStore.TABLE);
        }
      } catch (SQLException e) {
        say("store   cannot count the stored explanations (" + e.getMessage() + "); not shown");
        return;
      }
      sleep(Duration.ofSeconds(2));
    }
  }

  private void describe(PipelineTopics topics, ConsumerRecord<String, String> r) {
    if (r.topic().equals(topics.decisions())) {
      decisions.incrementAndGet();
      Parsed<TimingDecision> p = Contracts.parseDecision(r.value());
      if (p.isOk()) {
        TimingDecision d = p.value();
        say(
            String.format(
                "decide  %s v%d %s for %s: target %s (minute %d), trigger %s, latency %.1fs,"
                    + " confidence %.2f [%s]%s",
                d.requestId(),
                d.version(),
                d.status().wire(),
                d.universalId(),
                d.targetTimestampUtc(),
                d.targetMinuteUtc(),
                d.triggerTimestampUtc(),
                d.latencyEstimateSeconds(),
                d.confidenceScore(),
                d.modelVersion(),
                d.supersedes() == null ? "" : " (supersedes " + d.supersedes() + ")"));
      }
    } else if (r.topic().equals(topics.outcomes())) {
      Parsed<DispatchOutcome> p = Contracts.parseDispatchOutcome(r.value());
      if (p.isOk()) {
        DispatchOutcome o = p.value();
        if (o.espStatus() == null && o.attempts() == 0) {
          // Nothing was sent: say why, not an HTTP status and a lateness that do not exist.
          say(String.format("outcome %s: %s, nothing sent", o.requestId(), o.state().wire()));
        } else {
          say(
              String.format(
                  "outcome %s: %s via %s (HTTP %s, %d attempt(s), %d ms after trigger)",
                  o.requestId(),
                  o.state().wire(),
                  o.esp(),
                  o.espStatus(),
                  o.attempts(),
                  o.latenessMillis()));
        }
      }
    } else {
      deadLetters.incrementAndGet();
      Parsed<DeadLetter> p = Contracts.parseDeadLetter(r.value());
      if (p.isOk()) {
        say(
            "dead    "
                + p.value().stage()
                + ": "
                + p.value().reason().wire()
                + " - "
                + p.value().detail());
      }
    }
  }

  private static StreamExecutionEnvironment localFlink(int webUiPort) {
    Configuration config = new Configuration();
    config.set(RestOptions.PORT, webUiPort);
    // The web UI and REST API (which can cancel jobs) on this machine only, as printed above.
    config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    config.set(RestOptions.ADDRESS, "127.0.0.1");
    config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(config);
    env.setParallelism(1);
    return env;
  }

  /** A fresh credential encryption key: the local database lives only as long as the run. */
  /**
   * The embedded H2 store over JDBC (same JVM); ClickHouse over its HTTP interface, which is what
   * the explorer reads on every server version: {@code jdbc:clickhouse://host:8123/db?...} becomes
   * {@code http://host:8123} and {@code db}.
   */
  static ExplanationsReader explanationsReader(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:clickhouse:")) {
      return ExplanationsReader.ofJdbc(jdbcUrl);
    }
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    return new ExplanationsReader(
        "http://" + uri.getAuthority(), path.isEmpty() ? "default" : path);
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return java.util.Base64.getEncoder().encodeToString(key);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void say(String line) {
    System.out.println(LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS) + "  " + line);
  }
}
