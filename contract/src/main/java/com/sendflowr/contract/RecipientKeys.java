package com.sendflowr.contract;

import java.util.Map;
import java.util.TreeMap;

/** One rule for naming a recipient, used by signals and send requests alike. */
final class RecipientKeys {
  private RecipientKeys() {}

  static String of(String universalId, Map<String, String> identityKeys) {
    if (universalId != null && !universalId.isEmpty()) {
      return universalId;
    }
    Map.Entry<String, String> first = new TreeMap<>(identityKeys).firstEntry();
    if (first == null) {
      throw new IllegalStateException("record names no recipient");
    }
    return first.getKey() + ":" + first.getValue();
  }
}
