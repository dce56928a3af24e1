package com.sendflowr.bench;

import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.KafkaIO;
import com.sendflowr.flink.RawRecord;
import com.sendflowr.timing.job.TimingJob;
import com.sendflowr.timing.model.RecipientState;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The floor under the timing job's throughput: what this runtime costs per signal before any of the
 * job's own work. It reads the same signals topic with the same Kafka source (read_committed,
 * offsets committed on checkpoints), keys each record by its Kafka key (the universal id), and does
 * one read-modify-write of a recipient-sized value in keyed state, then writes to an exactly-once
 * Kafka sink under the same checkpoint policy. No parsing, no identity resolution, no model, no
 * output records: no timing job on this stack can process signals faster than this does.
 */
final class FloorJob {
  /**
   * Starts with "decide", so the benchmark reads this operator's state as the decide operator's.
   */
  static final String STATE_OPERATOR = "decide (floor: one state read and write per signal)";

  static final String UID_SOURCE = "floor-signals-source";
  static final String UID_STATE = "floor-state";
  static final String UID_SINK = "floor-sink";

  private FloorJob() {}

  static void wire(
      StreamExecutionEnvironment env,
      String kafkaBootstrap,
      BenchJob.Topics topics,
      String groupId,
      Duration checkpointInterval) {
    JobEnvironment.configure(env, checkpointInterval);
    env.setMaxParallelism(TimingJob.MAX_PARALLELISM);
    env.fromSource(
            KafkaIO.rawSource(kafkaBootstrap, topics.signals(), groupId),
            WatermarkStrategy.noWatermarks(),
            "signals")
        .uid(UID_SOURCE)
        .keyBy(RawRecord::key)
        .process(new ReadModifyWrite())
        .name(STATE_OPERATOR)
        .uid(UID_STATE)
        .sinkTo(
            KafkaIO.<String>jsonSink(
                kafkaBootstrap,
                topics.decisions(),
                s -> s,
                DeliveryGuarantee.EXACTLY_ONCE,
                groupId))
        .name("exactly-once sink")
        .uid(UID_SINK);
  }

  /** One keyed-state read and write of a recipient state's serialised size per record. */
  static final class ReadModifyWrite extends KeyedProcessFunction<String, RawRecord, String> {
    private static final long serialVersionUID = 1L;
    static final int VALUE_BYTES = new RecipientState().toBytes().length;

    private transient ValueState<byte[]> value;

    @Override
    public void open(OpenContext context) {
      value =
          getRuntimeContext()
              .getState(
                  new ValueStateDescriptor<>(
                      "recipient", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(RawRecord in, Context ctx, Collector<String> out) throws Exception {
      byte[] v = value.value();
      if (v == null) {
        // Incompressible like the state's float coefficients, so RocksDB cannot shrink it.
        v = new byte[VALUE_BYTES];
        new java.util.SplittableRandom(in.key().hashCode()).nextBytes(v);
      }
      v[(int) (in.timestamp() & 0xff) % VALUE_BYTES]++;
      value.update(v);
    }
  }
}
