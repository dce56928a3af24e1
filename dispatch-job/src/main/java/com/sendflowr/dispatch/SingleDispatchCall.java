package com.sendflowr.dispatch;

import com.sendflowr.contract.DispatchOutcome;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The ESP call as it was before micro-batching, one dispatch at a time, now a batch of one for the
 * batched call. It keeps the operator that held single dispatches in flight ({@link
 * DispatchTopology#UID_ESP_CALL}) in the job, fed nothing new: after an upgrade from a savepoint
 * taken before batching, Flink re-triggers the dispatches that savepoint had in flight here, and
 * each is sent with its idempotency key and gets its one outcome.
 */
public final class SingleDispatchCall extends RichAsyncFunction<DispatchCommand, DispatchOutcome> {
  private static final long serialVersionUID = 1L;

  private final RichAsyncFunction<DispatchBatch, DispatchOutcome> batchCall;

  public SingleDispatchCall(RichAsyncFunction<DispatchBatch, DispatchOutcome> batchCall) {
    this.batchCall = batchCall;
  }

  @Override
  public void setRuntimeContext(RuntimeContext context) {
    super.setRuntimeContext(context);
    batchCall.setRuntimeContext(context);
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    batchCall.open(openContext);
  }

  @Override
  public void close() throws Exception {
    batchCall.close();
  }

  @Override
  public void asyncInvoke(DispatchCommand command, ResultFuture<DispatchOutcome> result)
      throws Exception {
    batchCall.asyncInvoke(DispatchBatch.of(command), result);
  }

  @Override
  public void timeout(DispatchCommand command, ResultFuture<DispatchOutcome> result)
      throws Exception {
    batchCall.timeout(DispatchBatch.of(command), result);
  }
}
