package com.sendflowr.timing.job;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.codec.SendRequestCodec;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by request id: passes the requests of the first recipient seen with an id (redeliveries
 * included) and dead-letters, as {@link RejectReason#REQUEST_ID_REUSED}, a request that reuses the
 * id for another recipient. Downstream everything is keyed by recipient and decisions are named
 * after the request, so such a request would otherwise be decided under a taken id and dropped by
 * whatever deduplicates on it.
 *
 * <p>The claim lasts until the request's window ends plus {@link RequestIdClaim#RETENTION}, on a
 * processing-time timer: the contract bounds windows and how far ahead they start, so the state is
 * bounded too, and it does not wait for a watermark. The rule is {@link RequestIdClaim#judge}.
 */
public final class RequestIdGuard extends KeyedProcessFunction<String, SendRequest, SendRequest> {
  private static final long serialVersionUID = 1L;

  /** Stable operator id: savepoints map the claims by it. */
  public static final String UID = "timing-request-id-guard";

  /** Names this operator in its dead letters. */
  public static final String STAGE = "timing-job/request-ids";

  private transient ValueState<RequestIdClaim> claim;
  private transient Counter reused;

  /**
   * Keys {@code requests} by request id and guards them; dead letters on {@link DeadLetters#TAG}.
   */
  public static SingleOutputStreamOperator<SendRequest> guard(DataStream<SendRequest> requests) {
    return requests
        .keyBy(SendRequest::requestId)
        .process(new RequestIdGuard())
        .returns(SendRequestCodec.TYPE)
        .name("guard request ids")
        .uid(UID);
  }

  @Override
  public void open(OpenContext openContext) {
    claim =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "request-id-claim", TypeInformation.of(RequestIdClaim.class)));
    reused = getRuntimeContext().getMetricGroup().counter("reusedRequestIds");
  }

  @Override
  public void processElement(SendRequest request, Context ctx, Collector<SendRequest> out)
      throws Exception {
    Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
    RequestIdClaim held = claim.value();
    RequestIdClaim.Verdict verdict = RequestIdClaim.judge(held, request, now);
    if (!verdict.pass()) {
      reused.inc();
      ctx.output(
          DeadLetters.TAG,
          Contracts.deadLetter(
              STAGE,
              null,
              request.recipientKey(),
              Contracts.toJson(request),
              RejectReason.REQUEST_ID_REUSED,
              verdict.rejection(),
              now));
      return;
    }
    RequestIdClaim keep = verdict.claim();
    if (!keep.equals(held)) {
      if (held != null) {
        ctx.timerService().deleteProcessingTimeTimer(held.forgetAtMillis());
      }
      claim.update(keep);
      ctx.timerService().registerProcessingTimeTimer(keep.forgetAtMillis());
    }
    out.collect(request);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SendRequest> out)
      throws Exception {
    RequestIdClaim held = claim.value();
    if (held != null && held.forgetAtMillis() <= timestamp) {
      claim.clear();
    }
  }
}
