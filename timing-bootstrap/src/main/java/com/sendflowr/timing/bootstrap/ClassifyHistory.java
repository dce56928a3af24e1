package com.sendflowr.timing.bootstrap;

import com.sendflowr.timing.job.ModelSpec;
import com.sendflowr.timing.model.ModelConfig;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lines of history in, signals to learn out (counted here: a state bootstrap function's
 * accumulators do not reach the job's result); every other line is counted under its reason (a
 * Flink accumulator per reason) and dropped, so one bad line never stops a bootstrap.
 */
final class ClassifyHistory extends ProcessFunction<String, HistoryLine.Learn> {
  private static final long serialVersionUID = 1L;

  /** Accumulator of non-blank lines read. */
  static final String LINES = "lines";

  /** Accumulator of signals handed on to be learned. */
  static final String LEARNED = "learned";

  /** Prefix of the accumulator counting skipped lines of one reason. */
  static final String SKIPPED = "skipped.";

  private final Instant until;
  private final ModelSpec model;

  private transient ModelConfig config;

  ClassifyHistory(Instant until, ModelSpec model) {
    this.until = until;
    this.model = model;
  }

  @Override
  public void open(OpenContext openContext) {
    config = model.config();
  }

  @Override
  public void processElement(String line, Context ctx, Collector<HistoryLine.Learn> out) {
    HistoryLine.Meaning meaning = HistoryLine.classify(line, until, config);
    if (meaning == null) {
      return;
    }
    getRuntimeContext().getLongCounter(LINES).add(1L);
    if (meaning instanceof HistoryLine.Learn learn) {
      getRuntimeContext().getLongCounter(LEARNED).add(1L);
      out.collect(learn);
    } else {
      getRuntimeContext().getLongCounter(SKIPPED + ((HistoryLine.Skip) meaning).reason()).add(1L);
    }
  }
}
