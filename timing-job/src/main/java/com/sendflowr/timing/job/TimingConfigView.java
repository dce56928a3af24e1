package com.sendflowr.timing.job;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.IntentSettings;
import com.sendflowr.config.SignalMapping;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.timing.model.ContextRules;
import com.sendflowr.timing.model.FallbackPolicy;
import com.sendflowr.timing.model.IntentPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connector config as the timing job reads it: which signal types are hot paths, breakers or clears
 * for which intent, each intent's autonomy and window, and each intent's execution channel (the
 * binding id, opaque here: the timing job never looks at ESP details). Built from the latest config
 * change per entity; pure code, rebuilt whenever config changes.
 */
public final class TimingConfigView {
  private final List<SignalMapping> mappings;
  private final Map<String, IntentSettings> intents;
  private final Map<String, String> channels;
  private final Set<String> mappedTypes;
  private final Map<String, ContextRules> rulesByIntent = new ConcurrentHashMap<>();

  private TimingConfigView(
      List<SignalMapping> mappings,
      Map<String, IntentSettings> intents,
      Map<String, String> channels) {
    this.mappings = List.copyOf(mappings);
    this.intents = Map.copyOf(intents);
    this.channels = Map.copyOf(channels);
    Set<String> types = new HashSet<>();
    for (SignalMapping m : mappings) {
      types.add(m.signalType());
    }
    this.mappedTypes = Set.copyOf(types);
  }

  public static TimingConfigView empty() {
    return of(List.of());
  }

  /**
   * @param latest the latest, non-tombstone change of each entity; entities the timing job does not
   *     read are skipped, and malformed ones were dead-lettered at parse
   */
  public static TimingConfigView of(Iterable<ConfigChange> latest) {
    List<SignalMapping> mappings = new java.util.ArrayList<>();
    Map<String, IntentSettings> intents = new HashMap<>();
    Map<String, String> channels = new HashMap<>();
    java.util.SortedMap<String, String[]> channelsByKey = new java.util.TreeMap<>();
    for (ConfigChange c : latest) {
      if (c.tombstone()) {
        continue;
      }
      switch (c.entityType()) {
        case SignalMapping.ENTITY_TYPE -> mappings.add(SignalMapping.fromChange(c));
        case IntentSettings.ENTITY_TYPE -> intents.put(c.entityId(), IntentSettings.fromChange(c));
        case IntentBinding.ENTITY_TYPE -> {
          // Only the binding's id arrives here (ControlInput keeps nothing else), as the opaque
          // channel key; without one (a malformed binding, which the dispatcher dead-letters) the
          // intent keeps the default latency. Of an intent's several channels, the latency of the
          // default one (keyed by the intent id alone) leads, else the first named one.
          if (c.snapshot().get(ControlInput.CHANNEL) instanceof String channel
              && c.snapshot().get(ControlInput.INTENT) instanceof String intent) {
            channelsByKey.put(c.entityId(), new String[] {intent, channel});
          }
        }
        default -> {
          // read by other jobs only
        }
      }
    }
    channelsByKey.forEach(
        (key, intentAndChannel) -> channels.putIfAbsent(intentAndChannel[0], intentAndChannel[1]));
    mappings.sort(java.util.Comparator.comparing(SignalMapping::mappingId));
    return new TimingConfigView(mappings, intents, channels);
  }

  /** Whether any intent gives this signal type a context role. */
  public boolean hasContextRole(String signalType) {
    return mappedTypes.contains(signalType);
  }

  /** The mapping of a signal type (from any source) for an intent. */
  public Optional<SignalMapping> mappingFor(String signalType, String intentId) {
    return mappingFor(signalType, null, intentId);
  }

  /**
   * The mapping that applies to a signal of this type and source for an intent: one naming the
   * intent beats one for all intents, and within either, one naming the source beats one for every
   * source.
   */
  public Optional<SignalMapping> mappingFor(String signalType, String source, String intentId) {
    SignalMapping best = null;
    int bestRank = -1;
    for (SignalMapping m : mappings) {
      if (!m.signalType().equals(signalType)
          || !m.appliesTo(intentId)
          || !(m.source() == null || m.source().equals(source))) {
        continue;
      }
      int rank = (m.intentId().equals(intentId) ? 2 : 0) + (m.source() != null ? 1 : 0);
      if (rank > bestRank) {
        best = m;
        bestRank = rank;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The context rules a decision for this intent applies. */
  public ContextRules rulesFor(String intentId) {
    return rulesByIntent.computeIfAbsent(intentId, this::buildRules);
  }

  /**
   * Keyed by {@link SignalMapping#contextKey()}: a source's own rule where a mapping names the
   * source, the type's rule (which the model applies to every other source) where one does not.
   */
  private ContextRules buildRules(String intentId) {
    Map<String, ContextRules.Rule> rules = new HashMap<>();
    Map<String, Integer> ranks = new HashMap<>();
    for (SignalMapping m : mappings) {
      if (!m.appliesTo(intentId)) {
        continue;
      }
      int rank = m.intentId().equals(intentId) ? 1 : 0;
      if (ranks.getOrDefault(m.contextKey(), -1) < rank) {
        ranks.put(m.contextKey(), rank);
        rules.put(m.contextKey(), toRule(m));
      }
    }
    return new ContextRules(rules);
  }

  private static ContextRules.Rule toRule(SignalMapping m) {
    return switch (m.role()) {
      case HOT_PATH -> ContextRules.Rule.hotPath(m.weight(), m.decay(), m.duration());
      case CIRCUIT_BREAKER -> ContextRules.Rule.circuitBreaker(m.duration());
      case CLEAR -> ContextRules.Rule.clears(m.clears());
    };
  }

  /** The longest any mapped context stays active: how long context history must be kept. */
  public Duration longestContext() {
    Duration longest = Duration.ZERO;
    for (SignalMapping m : mappings) {
      if (m.duration().compareTo(longest) > 0) {
        longest = m.duration();
      }
    }
    return longest;
  }

  public IntentSettings settingsFor(String intentId) {
    return intents.getOrDefault(intentId, IntentSettings.defaults(intentId));
  }

  public IntentPolicy policyFor(String intentId) {
    IntentSettings s = settingsFor(intentId);
    return new IntentPolicy(
        intentId,
        s.confidenceThreshold(),
        FallbackPolicy.valueOf(s.fallbackPolicy().toUpperCase(Locale.ROOT)));
  }

  /** The intent's execution channel, or null before it is bound. */
  public String channelFor(String intentId) {
    return channels.get(intentId);
  }
}
