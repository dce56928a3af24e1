package com.sendflowr.timing.job.identity;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.timing.job.TimingInput;
import com.sendflowr.timing.job.identity.IdentityKeys.Strength;
import com.sendflowr.timing.job.wire.TimingInputCodec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Identity resolution as one step of a topology: records in, the same records with their resolved
 * universal id out, plus the merges the decide operator has to apply.
 *
 * <pre>
 * inputs ─> fan-out ──────────────────────────────────────────────────┬─> resolved inputs
 *             │ (records with their own universal id need no lookup)  │
 *             ├─keyBy(e-mail key)─> resolve e-mail ───────────────────┤
 *             │                        │ links                        │
 *             ├─keyBy(phone key)──> resolve phone <┘ ─────────────────┤
 *             │                        │ links                        │
 *             ├─keyBy(other key)──> resolve alias <┘ ─────────────────┘
 *             └─> dead letters      (each resolver) ─> merges
 * </pre>
 *
 * <p>Each record crosses one keyBy at most; only links made by a resolver travel further down.
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
      DataStream<TimingInput> inputs,
      DataStream<RecipientMerge> merges,
      DataStream<DeadLetter> deadLetters) {}

  /**
   * One input of the stage. Each is fanned out where it is produced (the fan-out is stateless and
   * chains to the operator before it), so a record that names its own universal id crosses the
   * network once on its way to the decide operator.
   *
   * @param name names the input's fan-out operator and its stable uid
   */
  public record Input(String name, DataStream<TimingInput> records) {}

  public static Resolved apply(DataStream<TimingInput> inputs, Settings settings) {
    return apply(List.of(new Input("inputs", inputs)), settings);
  }

  public static Resolved apply(List<Input> inputs, Settings settings) {
    List<SingleOutputStreamOperator<TimingInput>> fanOuts = new ArrayList<>();
    for (Input input : inputs) {
      fanOuts.add(
          input
              .records()
              .process(new IdentityFanOut())
              .returns(TimingInputCodec.TYPE)
              .setParallelism(input.records().getParallelism())
              .name("identity fan-out (" + input.name() + ")")
              .uid(IdentityFanOut.uid(input.name())));
    }

    SingleOutputStreamOperator<TimingInput> emails =
        resolve(
            union(routed(fanOuts, Strength.EMAIL)),
            settings,
            "identity resolve e-mail keys",
            IdentityResolver.UID_EMAIL_KEYS);
    List<DataStream<IdentityInput>> toPhones = routed(fanOuts, Strength.PHONE);
    toPhones.add(emails.getSideOutput(IdentityRoutes.to(Strength.PHONE)));
    SingleOutputStreamOperator<TimingInput> phones =
        resolve(
            union(toPhones),
            settings,
            "identity resolve phone keys",
            IdentityResolver.UID_PHONE_KEYS);
    OutputTag<IdentityInput> toAliases = IdentityRoutes.to(Strength.PROVISIONAL);
    List<DataStream<IdentityInput>> toOthers = routed(fanOuts, Strength.PROVISIONAL);
    toOthers.add(emails.getSideOutput(toAliases));
    toOthers.add(phones.getSideOutput(toAliases));
    SingleOutputStreamOperator<TimingInput> others =
        resolve(
            union(toOthers),
            settings,
            "identity resolve other keys",
            IdentityResolver.UID_ALIAS_KEYS);

    List<DataStream<TimingInput>> resolved = new ArrayList<>(fanOuts);
    resolved.add(emails);
    resolved.add(phones);
    resolved.add(others);
    List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
    for (SingleOutputStreamOperator<TimingInput> f : fanOuts) {
      deadLetters.add(f.getSideOutput(DeadLetters.TAG));
    }
    return new Resolved(
        union(resolved),
        emails
            .getSideOutput(IdentityResolver.MERGES)
            .union(
                phones.getSideOutput(IdentityResolver.MERGES),
                others.getSideOutput(IdentityResolver.MERGES)),
        union(deadLetters));
  }

  private static List<DataStream<IdentityInput>> routed(
      List<SingleOutputStreamOperator<TimingInput>> fanOuts, Strength keys) {
    List<DataStream<IdentityInput>> out = new ArrayList<>();
    for (SingleOutputStreamOperator<TimingInput> f : fanOuts) {
      out.add(f.getSideOutput(IdentityRoutes.to(keys)));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T> DataStream<T> union(List<? extends DataStream<T>> streams) {
    DataStream<T> first = streams.get(0);
    return streams.size() == 1
        ? first
        : first.union(streams.subList(1, streams.size()).toArray(DataStream[]::new));
  }

  private static SingleOutputStreamOperator<TimingInput> resolve(
      DataStream<IdentityInput> routed, Settings settings, String name, String uid) {
    return routed
        .keyBy(IdentityInput::route, Types.STRING)
        .process(new IdentityResolver(settings.keyTtl()))
        .returns(TimingInputCodec.TYPE)
        .name(name)
        .uid(uid);
  }
}
