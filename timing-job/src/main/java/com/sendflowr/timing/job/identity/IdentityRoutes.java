package com.sendflowr.timing.job.identity;

import com.sendflowr.timing.job.identity.IdentityKeys.Strength;
import com.sendflowr.timing.job.wire.IdentityInputCodec;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.util.OutputTag;

/**
 * Where identity inputs go. Each strength of key has its own resolver, strongest first: a record
 * resolved through a link can then re-link its weaker keys to the id it really has, and that link
 * only ever flows to a later resolver, never back (a Flink job cannot loop).
 */
public final class IdentityRoutes {
  private static final Map<Strength, OutputTag<IdentityInput>> TAGS = new EnumMap<>(Strength.class);

  static {
    for (Strength s : new Strength[] {Strength.EMAIL, Strength.PHONE, Strength.PROVISIONAL}) {
      TAGS.put(s, new OutputTag<>("identity-to-" + s.wire() + "-keys", IdentityInputCodec.TYPE));
    }
  }

  private IdentityRoutes() {}

  /** The side output for records and links routed to keys of strength {@code keys}. */
  public static OutputTag<IdentityInput> to(Strength keys) {
    OutputTag<IdentityInput> tag = TAGS.get(keys);
    if (tag == null) {
      throw new IllegalArgumentException("no identity key has the strength " + keys);
    }
    return tag;
  }

  /** The side output for an input, by the strength of the key it is routed to. */
  static OutputTag<IdentityInput> of(IdentityInput in) {
    return to(IdentityKeys.strengthOf(in.route()));
  }
}
