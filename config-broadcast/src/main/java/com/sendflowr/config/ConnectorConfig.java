package com.sendflowr.config;

import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.flink.JsonRecordTypeInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * How connector config lives in the jobs: broadcast state fed by {@link ConfigStream} from the
 * compacted config topic. Both jobs' descriptors are here, with the one rule for applying a change:
 * versions only move forward, so a replayed or reordered older change never rolls config back.
 * (Their names are those the jobs' savepoints already hold.)
 */
public final class ConnectorConfig {
  /**
   * The dispatch job's view: binding key ({@link IntentBinding#channelKey}: the intent id, or
   * {@code intent/channel}) -> the binding in force on that channel.
   */
  public static final MapStateDescriptor<String, IntentBinding> BINDINGS =
      new MapStateDescriptor<>(
          "intent-bindings", Types.STRING, JsonRecordTypeInfo.of(IntentBinding.class));

  /**
   * The timing job's view: the latest change per entity ({@link ConfigChange#key()}), tombstones
   * kept so a later replay of an older put cannot resurrect a deleted entity.
   */
  public static final MapStateDescriptor<String, ConfigChange> LATEST_CHANGES =
      new MapStateDescriptor<>(
          "timing-config", Types.STRING, JsonRecordTypeInfo.of(ConfigChange.class));

  /**
   * The intent's bindings in force, one per channel: the default channel first, then the named
   * channels in key order. Empty when the intent is not bound.
   */
  public static List<IntentBinding> bindingsOf(
      ReadOnlyBroadcastState<String, IntentBinding> bindings, String intentId) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, IntentBinding> e : bindings.immutableEntries()) {
      if (e.getValue().intentId().equals(intentId)) {
        keys.add(e.getKey());
      }
    }
    Collections.sort(keys);
    List<IntentBinding> found = new ArrayList<>(keys.size());
    for (String key : keys) {
      found.add(bindings.get(key));
    }
    return found;
  }

  /** The version rule: a change applies only over an older version (or nothing). */
  public static boolean supersedes(ConfigChange change, Long heldVersion) {
    return heldVersion == null || heldVersion < change.version();
  }

  /**
   * Keeps {@code change} in {@link #LATEST_CHANGES}-shaped state if it is newer than what is held.
   *
   * @return whether the state changed
   */
  public static boolean remember(BroadcastState<String, ConfigChange> state, ConfigChange change)
      throws Exception {
    ConfigChange held = state.get(change.key());
    if (!supersedes(change, held == null ? null : held.version())) {
      return false;
    }
    state.put(change.key(), change);
    return true;
  }

  private ConnectorConfig() {}

  /**
   * Strictly parses a config change and the entity in it (binding, signal mapping, intent): a
   * malformed entity is rejected here, so it reaches the dead letters with the field it lacks
   * instead of being dropped later inside a broadcast operator.
   */
  public static Parsed<ConfigChange> parse(String json) {
    return parse(
        json,
        Set.of(IntentBinding.ENTITY_TYPE, SignalMapping.ENTITY_TYPE, IntentSettings.ENTITY_TYPE));
  }

  /**
   * The same, validating only the entity types a job is responsible for, so one malformed entity
   * reaches the dead letters once, from the job that uses it, rather than once per job.
   */
  public static Parsed<ConfigChange> parse(String json, Set<String> validated) {
    Parsed<ConfigChange> parsed = Contracts.parseConfigChange(json);
    if (parsed instanceof Parsed.Ok<ConfigChange> ok
        && !ok.value().tombstone()
        && validated.contains(ok.value().entityType())) {
      ConfigChange change = ok.value();
      try {
        switch (change.entityType()) {
          case IntentBinding.ENTITY_TYPE -> IntentBinding.fromChange(change);
          case SignalMapping.ENTITY_TYPE -> SignalMapping.fromChange(change);
          case IntentSettings.ENTITY_TYPE -> IntentSettings.fromChange(change);
          default -> {
            // other entity types are not read by the jobs
          }
        }
      } catch (IllegalArgumentException e) {
        return new Parsed.Rejected<>(RejectReason.INVALID_FIELD, e.getMessage());
      }
    }
    return parsed;
  }

  /** What applying one change does to the bindings. */
  public sealed interface Update permits Put, Remove, Ignore {}

  public record Put(IntentBinding binding) implements Update {}

  /**
   * @param key the binding's config entity id ({@link IntentBinding#channelKey})
   */
  public record Remove(String key) implements Update {}

  /** Stale (older or same version), or an entity type the dispatcher does not use. */
  public record Ignore(String why) implements Update {}

  /**
   * Decides how a change applies, given the binding currently held for its intent. Versions only
   * move forward, so a replayed or reordered older change never undoes a newer one.
   *
   * @throws IllegalArgumentException when the change is a malformed binding
   */
  public static Update apply(Optional<IntentBinding> current, ConfigChange change) {
    if (!IntentBinding.ENTITY_TYPE.equals(change.entityType())) {
      return new Ignore("entity type " + change.entityType() + " is not used by the dispatcher");
    }
    if (!supersedes(change, current.map(IntentBinding::version).orElse(null))) {
      return new Ignore(
          "version " + change.version() + " is not newer than " + current.get().version());
    }
    if (change.tombstone() || Boolean.FALSE.equals(change.snapshot().get("enabled"))) {
      // A disabled binding is skipped like a deleted one; enabling it again is a newer version.
      return new Remove(change.entityId());
    }
    return new Put(IntentBinding.fromChange(change));
  }
}
