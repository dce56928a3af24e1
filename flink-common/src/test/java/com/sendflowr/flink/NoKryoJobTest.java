package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jobs run with {@code pipeline.generic-types: false}: every contract record must cross the
 * network and live in keyed state through {@link JsonRecordTypeInfo}, never through Kryo.
 */
class NoKryoJobTest {
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static StreamExecutionEnvironment jobEnvironment() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, Duration.ofSeconds(1));
    env.setParallelism(2); // so records cross the network, serialised
    return env;
  }

  @Test
  void contractRecordsCrossTheNetworkAndLiveInKeyedStateWithoutKryo() throws Exception {
    StreamExecutionEnvironment env = jobEnvironment();
    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();

    List<Signal> signals = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      signals.add(ContractSamples.signal("evt-" + i, "u-" + (i % 4)));
    }
    DataStream<DeadLetter> perRecipient =
        env.fromData(signals, JsonRecordTypeInfo.of(Signal.class))
            .keyBy(Signal::recipientKey)
            .process(new RemembersFirstSignal())
            .returns(JsonRecordTypeInfo.of(DeadLetter.class));

    CloseableIterator<DeadLetter> summaries = perRecipient.collectAsync();
    CloseableIterator<SendRequest> requests = passThrough(env, ContractSamples.sendRequest());
    CloseableIterator<TimingDecision> decisions = passThrough(env, ContractSamples.decision());
    CloseableIterator<DispatchOutcome> outcomes = passThrough(env, ContractSamples.outcome());
    CloseableIterator<ConfigChange> changes =
        passThrough(env, ContractSamples.configChange(), ContractSamples.tombstone());
    CloseableIterator<DeadLetter> deadLetters = passThrough(env, ContractSamples.deadLetter());
    env.execute("no-kryo");

    List<DeadLetter> seen = drain(summaries);
    assertThat(seen).hasSize(20);
    // The state held a Signal across records: every report names the recipient's same first
    // event, and the count runs 1..5.
    List<String> details =
        seen.stream().filter(d -> d.key().equals("u-3")).map(DeadLetter::detail).toList();
    assertThat(details).hasSize(5);
    String first = details.get(0).substring(0, details.get(0).indexOf(' '));
    assertThat(first)
        .isIn("first=evt-3", "first=evt-7", "first=evt-11", "first=evt-15", "first=evt-19");
    assertThat(details)
        .containsExactlyInAnyOrder(
            first + " count=1",
            first + " count=2",
            first + " count=3",
            first + " count=4",
            first + " count=5");
    assertThat(drain(requests)).containsExactly(ContractSamples.sendRequest());
    assertThat(drain(decisions)).containsExactly(ContractSamples.decision());
    assertThat(drain(outcomes)).containsExactly(ContractSamples.outcome());
    assertThat(drain(changes))
        .containsExactlyInAnyOrder(ContractSamples.configChange(), ContractSamples.tombstone());
    assertThat(drain(deadLetters)).containsExactly(ContractSamples.deadLetter());
  }

  @Test
  void aTypeThatWouldNeedKryoFailsTheJobLoudly() {
    StreamExecutionEnvironment env = jobEnvironment();
    List<NotAPojo> data = List.of(new NotAPojo("a"), new NotAPojo("b"));
    assertThatThrownBy(
            () ->
                env.fromData(data, TypeInformation.of(NotAPojo.class))
                    .rebalance()
                    .executeAndCollect(10))
        .hasStackTraceContaining("Generic types have been disabled");
  }

  @SafeVarargs
  private static <T> CloseableIterator<T> passThrough(StreamExecutionEnvironment env, T... records)
      throws Exception {
    @SuppressWarnings("unchecked")
    JsonRecordTypeInfo<T> type = JsonRecordTypeInfo.of((Class<T>) records[0].getClass());
    return env.fromData(List.of(records), type)
        .rebalance()
        .filter(r -> r != null)
        .returns(type)
        .collectAsync();
  }

  private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
    List<T> all = new ArrayList<>();
    try (it) {
      it.forEachRemaining(all::add);
    }
    return all;
  }

  /** Keeps the recipient's first signal in keyed state and reports it with a running count. */
  static final class RemembersFirstSignal extends KeyedProcessFunction<String, Signal, DeadLetter> {
    private transient ValueState<Signal> first;
    private transient ValueState<Long> count;

    @Override
    public void open(OpenContext openContext) {
      first =
          getRuntimeContext()
              .getState(new ValueStateDescriptor<>("first", JsonRecordTypeInfo.of(Signal.class)));
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public void processElement(Signal signal, Context ctx, Collector<DeadLetter> out)
        throws Exception {
      if (first.value() == null) {
        first.update(signal);
      }
      long n = count.value() == null ? 1 : count.value() + 1;
      count.update(n);
      out.collect(
          Contracts.deadLetter(
              "test",
              null,
              ctx.getCurrentKey(),
              signal.eventId(),
              RejectReason.INVALID_FIELD,
              "first=" + first.value().eventId() + " count=" + n,
              signal.occurredAt()));
    }
  }

  /** No default constructor, final field: Flink can only treat it as a generic (Kryo) type. */
  static final class NotAPojo {
    final String value;

    NotAPojo(String value) {
      this.value = value;
    }
  }
}
