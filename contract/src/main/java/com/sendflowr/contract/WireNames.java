package com.sendflowr.contract;

import java.util.function.Function;

/** Looks up an enum constant by the name it has on the wire. */
final class WireNames {
  private WireNames() {}

  /** The constant whose wire name is {@code name}, or null. */
  static <E extends Enum<E>> E lookup(E[] values, Function<E, String> wire, String name) {
    for (E e : values) {
      if (wire.apply(e).equals(name)) {
        return e;
      }
    }
    return null;
  }
}
