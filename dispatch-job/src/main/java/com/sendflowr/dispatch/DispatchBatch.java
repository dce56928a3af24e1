package com.sendflowr.dispatch;

import java.util.List;

/**
 * Due dispatches that go to the ESP in one call: one account, one credential, one {@linkplain
 * com.sendflowr.dispatch.esp.EspAdapter#batchScope scope}, at most the ESP's batch size (see {@link
 * com.sendflowr.dispatch.esp.Batching}). ESPs without a batch endpoint get batches of one.
 */
public record DispatchBatch(List<DispatchCommand> commands) {
  public DispatchBatch {
    commands = List.copyOf(commands);
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("a batch holds at least one dispatch");
    }
  }

  public static DispatchBatch of(DispatchCommand command) {
    return new DispatchBatch(List.of(command));
  }

  public int size() {
    return commands.size();
  }
}
