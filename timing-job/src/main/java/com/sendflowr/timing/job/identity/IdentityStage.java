package com.sendflowr.timing.job.identity;

import com.sendflowr.contract.DeadLetter;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.timing.job.TimingInput;
import com.sendflowr.timing.job.identity.IdentityKeys.Strength;
import java.io.Serializable;
import java.time.Duration;
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

  public static Resolved apply(DataStream<TimingInput> inputs, Settings settings) {
    SingleOutputStreamOperator<TimingInput> fanOut =
        inputs
            .process(new IdentityFanOut())
            .returns(JsonRecordTypeInfo.of(TimingInput.class))
            // Stateless: chained to its input, so the only shuffle is a resolver's keyBy.
            .setParallelism(inputs.getParallelism())
            .name("identity fan-out")
            .uid(IdentityFanOut.UID);

    SingleOutputStreamOperator<TimingInput> emails =
        resolve(
            fanOut.getSideOutput(IdentityRoutes.to(Strength.EMAIL)),
            settings,
            "identity resolve e-mail keys",
            IdentityResolver.UID_EMAIL_KEYS);
    SingleOutputStreamOperator<TimingInput> phones =
        resolve(
            fanOut
                .getSideOutput(IdentityRoutes.to(Strength.PHONE))
                .union(emails.getSideOutput(IdentityRoutes.to(Strength.PHONE))),
            settings,
            "identity resolve phone keys",
            IdentityResolver.UID_PHONE_KEYS);
    OutputTag<IdentityInput> toAliases = IdentityRoutes.to(Strength.PROVISIONAL);
    SingleOutputStreamOperator<TimingInput> others =
        resolve(
            fanOut
                .getSideOutput(toAliases)
                .union(emails.getSideOutput(toAliases), phones.getSideOutput(toAliases)),
            settings,
            "identity resolve other keys",
            IdentityResolver.UID_ALIAS_KEYS);

    return new Resolved(
        fanOut.union(emails, phones, others),
        emails
            .getSideOutput(IdentityResolver.MERGES)
            .union(
                phones.getSideOutput(IdentityResolver.MERGES),
                others.getSideOutput(IdentityResolver.MERGES)),
        fanOut.getSideOutput(DeadLetters.TAG));
  }

  private static SingleOutputStreamOperator<TimingInput> resolve(
      DataStream<IdentityInput> routed, Settings settings, String name, String uid) {
    return routed
        .keyBy(IdentityInput::route, Types.STRING)
        .process(new IdentityResolver(settings.keyTtl()))
        .returns(JsonRecordTypeInfo.of(TimingInput.class))
        .name(name)
        .uid(uid);
  }
}
