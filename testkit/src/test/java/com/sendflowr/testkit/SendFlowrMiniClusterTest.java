package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SendFlowrMiniClusterTest {

  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  @Test
  void runsAKeyedJobOnTheSharedCluster() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);

    List<Long> sums = new ArrayList<>();
    try (CloseableIterator<Long> it =
        env.fromSequence(1, 100)
            .keyBy(n -> n % 2)
            .reduce(Long::sum)
            .executeAndCollect("testkit-minicluster-smoke")) {
      it.forEachRemaining(sums::add);
    }

    // Running sums per key: the last value of each key is its total.
    assertThat(sums).hasSize(100).contains(2500L, 2550L);
    assertThat(FLINK.getNumberSlots()).isEqualTo(SendFlowrMiniCluster.SLOTS);
  }
}
