package com.sendflowr.flink;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Strictly parses raw records; what fails goes to {@link DeadLetters#TAG} with its reason and a
 * counter, and the job keeps running.
 *
 * <p>A parsed record must also survive its own trip through the job: written the way the job writes
 * it (between operators with {@link JsonRecordSerializer}, to Kafka as canonical UTF-8 JSON) and
 * read back, it must be the same record, so any key derived from it is the same on both sides of a
 * {@code keyBy}. A record that is not is dead-lettered as {@link RejectReason#UNSTABLE_ROUND_TRIP}
 * here, instead of failing a downstream task on every restart. The strict parsers are meant to make
 * this check never fire; it catches what they miss.
 */
public final class ParseOrDeadLetter<T> extends ProcessFunction<RawRecord, T> {
  private static final long serialVersionUID = 1L;

  private final String stage;
  private final SerializableFunction<String, Parsed<T>> parser;
  private transient Counter rejected;
  private transient DataOutputSerializer buffer;
  private transient JsonRecordSerializer<T> serializer;

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
    Parsed<T> parsed = parseOrCatch(raw.value());
    if (parsed instanceof Parsed.Ok<T> ok) {
      String unstable = roundTripProblem(ok.value());
      if (unstable == null) {
        out.collect(ok.value());
        return;
      }
      parsed = new Parsed.Rejected<>(RejectReason.UNSTABLE_ROUND_TRIP, unstable);
    }
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

  /**
   * The contract's parsers never throw, but a parser that did would fail the task on the same
   * record after every restart, so a throw is a rejection too.
   */
  private Parsed<T> parseOrCatch(String json) {
    try {
      return parser.apply(json);
    } catch (RuntimeException e) {
      return new Parsed.Rejected<>(
          RejectReason.INVALID_FIELD, "the parser failed: " + e.getClass().getSimpleName());
    }
  }

  /** Why {@code value} would change on its way through the job, or null when it would not. */
  String roundTripProblem(T value) {
    if (serializer == null) {
      @SuppressWarnings("unchecked")
      Class<T> type = (Class<T>) value.getClass(); // one parser, one record class
      serializer = new JsonRecordSerializer<>(type);
      buffer = new DataOutputSerializer(1024);
    }
    byte[] wire;
    try {
      buffer.clear();
      serializer.serialize(value, buffer);
      wire = buffer.getCopyOfBuffer();
    } catch (RuntimeException | IOException e) {
      return "the parsed record cannot be written: " + e.getClass().getSimpleName();
    }
    // The serializer writes a length prefix, then the canonical UTF-8 JSON that Kafka carries too.
    String json = new String(Arrays.copyOfRange(wire, 4, wire.length), StandardCharsets.UTF_8);
    Parsed<T> again = parseOrCatch(json);
    if (again instanceof Parsed.Rejected<T> r) {
      return "written and parsed again, the record is rejected ("
          + r.reason().wire()
          + "): "
          + r.detail();
    }
    if (!again.value().equals(value)) {
      return "written and parsed again, the record differs from the one parsed";
    }
    T internal;
    try {
      internal = serializer.deserialize(new DataInputDeserializer(wire));
    } catch (RuntimeException | IOException e) {
      return "the record written between operators cannot be read back: "
          + e.getClass().getSimpleName();
    }
    if (!value.equals(internal)) {
      return "written and read back between operators, the record differs from the one parsed";
    }
    return null;
  }
}
