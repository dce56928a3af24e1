package com.sendflowr.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft Kafka broker inside the test JVM, started once per test class.
 *
 * <p>Usage: {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new
 * KafkaBrokerExtension();}. The broker is configured so that Flink's exactly-once Kafka sink works
 * against it (transaction log replication 1, long transaction timeout). Use {@link
 * #uniqueTopic(String)} to keep topic names distinct between tests of one class.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

  /**
   * Flink's Kafka sink defaults to a 1 h transaction timeout; the broker must allow at least it.
   */
  public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofHours(1);

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final int DEFAULT_PARTITIONS = 2;

  private final Map<String, String> extraBrokerConfig = new LinkedHashMap<>();
  private final AtomicInteger topicCounter = new AtomicInteger();
  private KafkaClusterTestKit cluster;
  private String bootstrapServers;

  public KafkaBrokerExtension() {}

  /** Adds or overrides a broker setting; call before the extension starts. */
  public KafkaBrokerExtension withBrokerConfig(String key, String value) {
    extraBrokerConfig.put(key, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  /** Starts the broker; the JUnit callbacks call this, it is public for non-JUnit use. */
  public synchronized void start() throws Exception {
    if (cluster != null) {
      return;
    }
    KafkaClusterTestKit.Builder builder =
        new KafkaClusterTestKit.Builder(
            new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build());
    brokerConfig().forEach(builder::setConfigProp);
    KafkaClusterTestKit kit = builder.build();
    try {
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      kit.close();
      throw new IllegalStateException("The in-JVM Kafka broker did not start", e);
    }
    cluster = kit;
    bootstrapServers = kit.bootstrapServers();
  }

  /** Stops the broker and deletes its data. */
  public synchronized void stop() throws Exception {
    if (cluster != null) {
      try {
        cluster.close();
      } finally {
        cluster = null;
        bootstrapServers = null;
      }
    }
  }

  /**
   * Takes the broker down, keeping its data, its port and the KRaft controller, so clients see an
   * outage rather than a new cluster; {@link #restartBroker()} ends it. For tests of what a client
   * does while Kafka is unreachable.
   */
  public synchronized void stopBroker() {
    requireRunning();
    for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
      broker.shutdown();
      broker.awaitShutdown();
    }
  }

  /**
   * Starts the broker {@link #stopBroker()} took down, on the same port and data, and waits until
   * it answers metadata requests again.
   */
  public synchronized void restartBroker() throws InterruptedException {
    requireRunning();
    for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
      broker.startup();
    }
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      try (Admin admin = admin()) {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the Kafka broker did not come back", e);
        }
      }
      Thread.sleep(200);
    }
  }

  private void requireRunning() {
    if (cluster == null) {
      throw new IllegalStateException("Kafka broker is not running");
    }
  }

  Map<String, String> brokerConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "1");
    config.put("transaction.max.timeout.ms", String.valueOf(MAX_TRANSACTION_TIMEOUT.toMillis()));
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "false");
    config.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
    config.putAll(extraBrokerConfig);
    return config;
  }

  /** {@code host:port} of the broker's client listener. */
  public String bootstrapServers() {
    if (bootstrapServers == null) {
      throw new IllegalStateException(
          "Kafka broker is not running: register KafkaBrokerExtension as a static field with"
              + " @RegisterExtension so it starts before the tests");
    }
    return bootstrapServers;
  }

  /**
   * A topic name that no other call of this extension instance returned, e.g. {@code
   * signals-3-1a2b3c}. Use one per test so tests in a class never see each other's records.
   */
  public String uniqueTopic(String prefix) {
    return prefix
        + "-"
        + topicCounter.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates the topics with {@value #DEFAULT_PARTITIONS} partitions each; existing ones are ok. */
  public void createTopics(String... names) {
    List<NewTopic> topics =
        Arrays.stream(names)
            .map(name -> new NewTopic(name, DEFAULT_PARTITIONS, (short) 1))
            .collect(Collectors.toList());
    create(topics);
  }

  /** Creates one topic with explicit settings, e.g. {@code cleanup.policy=compact}. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    create(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
  }

  private void create(List<NewTopic> topics) {
    try (Admin admin = admin()) {
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          entry.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Could not create topic " + entry.getKey(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out creating topics " + topics, e);
    }
  }

  /** A new admin client; the caller closes it. */
  public Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(props);
  }

  /** Base properties for a client of this broker (just the bootstrap servers). */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /** A string producer with {@code acks=all} and idempotence on; the caller closes it. */
  public KafkaProducer<String, String> newProducer(Properties overrides) {
    Properties props = clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.putAll(overrides);
    return new KafkaProducer<>(props);
  }

  /**
   * A string consumer that reads committed records only, starting at the earliest offset, in a
   * fresh consumer group; the caller closes it.
   */
  public KafkaConsumer<String, String> newConsumer(Properties overrides) {
    Properties props = clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.putAll(overrides);
    return new KafkaConsumer<>(props);
  }

  /** Produces one record (the key may be null) and waits until the broker acknowledged it. */
  public void produce(String topic, String key, String value) {
    produceRecords(List.of(new ProducerRecord<>(topic, key, value)));
  }

  /** Produces records in order (keys may repeat) and waits until all are acknowledged. */
  public void produce(String topic, List<Map.Entry<String, String>> keyValues) {
    produceRecords(
        keyValues.stream()
            .map(kv -> new ProducerRecord<>(topic, kv.getKey(), kv.getValue()))
            .collect(Collectors.toList()));
  }

  /** Produces the records in order and waits until all are acknowledged. */
  public void produceRecords(List<ProducerRecord<String, String>> records) {
    try (KafkaProducer<String, String> producer = newProducer(new Properties())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<String, String> record : records) {
        sent.add(producer.send(record));
      }
      producer.flush();
      for (Future<RecordMetadata> future : sent) {
        future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not produce " + records.size() + " records", e);
    }
  }

  /**
   * Reads committed records of {@code topic} from the beginning until at least {@code n} arrived.
   *
   * @throws AssertionError if fewer than {@code n} arrived within {@code timeout}, listing what did
   *     arrive
   */
  public List<ConsumerRecord<String, String>> consumeAtLeast(
      String topic, int n, Duration timeout) {
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = newConsumer(new Properties())) {
      consumer.assign(partitions(consumer, topic));
      consumer.seekToBeginning(consumer.assignment());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (received.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }
    if (received.size() < n) {
      throw new AssertionError(
          "Expected at least "
              + n
              + " committed records on topic '"
              + topic
              + "' within "
              + timeout
              + " but got "
              + received.size()
              + describe(received));
    }
    return received;
  }

  /**
   * Reads all committed records of {@code topic} from the beginning, returning once no new record
   * arrived for {@code quietPeriod}.
   */
  public List<ConsumerRecord<String, String>> consumeAll(String topic, Duration quietPeriod) {
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = newConsumer(new Properties())) {
      consumer.assign(partitions(consumer, topic));
      consumer.seekToBeginning(consumer.assignment());
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < quietPeriod.toNanos()) {
        var batch = consumer.poll(Duration.ofMillis(100));
        if (!batch.isEmpty()) {
          batch.forEach(received::add);
          quietSince = System.nanoTime();
        }
      }
    }
    return received;
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<String, String> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, ADMIN_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new AssertionError(
          "Topic '" + topic + "' does not exist (create it first with createTopics)");
    }
    return infos.stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .collect(Collectors.toList());
  }

  private static String describe(List<ConsumerRecord<String, String>> records) {
    if (records.isEmpty()) {
      return ".";
    }
    StringBuilder sb = new StringBuilder(":");
    int shown = 0;
    for (ConsumerRecord<String, String> r : records) {
      if (shown++ == 50) {
        sb.append("\n  ... and ").append(records.size() - 50).append(" more");
        break;
      }
      sb.append("\n  p")
          .append(r.partition())
          .append('@')
          .append(r.offset())
          .append(" key=")
          .append(r.key())
          .append(" value=")
          .append(abbreviate(r.value()));
    }
    return sb.toString();
  }

  private static String abbreviate(String value) {
    if (value == null || value.length() <= 300) {
      return value;
    }
    return value.substring(0, 300) + "...";
  }
}
