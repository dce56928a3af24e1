package com.sendflowr.flink;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Strictly parses raw records; what fails goes to {@link DeadLetters#TAG} with its reason and a
 * counter, and the job keeps running.
 */
public final class ParseOrDeadLetter<T> extends ProcessFunction<RawRecord, T> {
  private static final long serialVersionUID = 1L;

  private final String stage;
  private final SerializableFunction<String, Parsed<T>> parser;
  private transient Counter rejected;

  /**
   * @param stage names the rejecting component in the dead letter, e.g. {@code timing-job/signals}
   */
  public ParseOrDeadLetter(String stage, SerializableFunction<String, Parsed<T>> parser) {
    this.stage = stage;
    this.parser = parser;
  }

  @Override
  public void open(OpenContext openContext) {
    rejected = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<T> out) throws Exception {
    Parsed<T> parsed = parser.apply(raw.value());
    if (parsed instanceof Parsed.Ok<T> ok) {
      out.collect(ok.value());
    } else {
      rejected.inc();
      ctx.output(
          DeadLetters.TAG,
          Contracts.deadLetter(
              stage,
              raw.topic(),
              raw.key(),
              raw.value(),
              (Parsed.Rejected<T>) parsed,
              Instant.now()));
    }
  }
}
