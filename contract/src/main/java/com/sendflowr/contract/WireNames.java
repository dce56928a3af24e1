package com.sendflowr.contract;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Looks up an enum constant by the name it has on the wire. */
final class WireNames {
  private WireNames() {}

  /** Each enum's constants by wire name: looked up for every record, so built once per enum. */
  private static final Map<Class<?>, Map<String, ?>> INDEX = new ConcurrentHashMap<>();

  /**
   * The constant whose wire name is {@code name}, or null. An enum has one wire naming, so the
   * index is kept per enum class.
   */
  @SuppressWarnings("unchecked")
  static <E extends Enum<E>> E lookup(E[] values, Function<E, String> wire, String name) {
    if (values.length == 0) {
      return null;
    }
    Map<String, ?> index =
        INDEX.computeIfAbsent(
            values[0].getDeclaringClass(),
            type -> {
              Map<String, E> byWire = new HashMap<>();
              for (E e : values) {
                byWire.put(wire.apply(e), e);
              }
              return Map.copyOf(byWire);
            });
    return (E) index.get(name);
  }
}
