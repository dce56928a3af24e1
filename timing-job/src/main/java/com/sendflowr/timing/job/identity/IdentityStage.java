package com.sendflowr.timing.job.identity;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.timing.job.TimingInput;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Identity resolution as one step of a topology: records in, the same records keyed by their
 * resolved universal id out, plus the merges the decide operator has to apply.
 *
 * <pre>
 * inputs ─> fan-out ─keyBy(route)─> resolve ─> resolved inputs (then keyBy(recipient) ─> decide)
 *              └─> dead letters        └─> merges
 * </pre>
 */
public final class IdentityStage {
  private IdentityStage() {}

  /**
   * @param keyTtl how long an identity key nobody mentions is remembered
   */
  public record Settings(Duration keyTtl) implements Serializable {
    public static final Duration DEFAULT_KEY_TTL = Duration.ofDays(400);

    public static Settings defaults() {
      return new Settings(DEFAULT_KEY_TTL);
    }
  }

  /**
   * @param inputs every record with {@link TimingInput#recipient()} its resolved universal id
   * @param merges history to move from one id to another
   * @param deadLetters records whose identity keys name no valid recipient
   */
  public record Resolved(
      SingleOutputStreamOperator<TimingInput> inputs,
      DataStream<RecipientMerge> merges,
      DataStream<DeadLetter> deadLetters) {}

  public static Resolved apply(DataStream<TimingInput> inputs, Settings settings) {
    SingleOutputStreamOperator<IdentityInput> routed =
        inputs
            .process(new IdentityFanOut())
            .returns(JsonRecordTypeInfo.of(IdentityInput.class))
            // Stateless: chained to its input, so the only shuffle is the keyBy below.
            .setParallelism(inputs.getParallelism())
            .name("identity fan-out")
            .uid(IdentityFanOut.UID);
    SingleOutputStreamOperator<TimingInput> resolved =
        routed
            .keyBy(IdentityInput::route, Types.STRING)
            .process(new IdentityResolver(settings.keyTtl()))
            .returns(JsonRecordTypeInfo.of(TimingInput.class))
            .name("identity resolve")
            .uid(IdentityResolver.UID);
    return new Resolved(
        resolved,
        resolved.getSideOutput(IdentityResolver.MERGES),
        routed.getSideOutput(DeadLetters.TAG));
  }
}
