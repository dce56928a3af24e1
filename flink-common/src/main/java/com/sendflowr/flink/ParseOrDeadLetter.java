package com.sendflowr.flink;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.RejectReason;
import java.io.IOException;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
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
  private final TypeInformation<T> internalType;
  private transient TypeSerializer<T> serializer;

  /**
   * @param stage names the rejecting component in the dead letter, e.g. {@code timing-job/signals}
   */
  public ParseOrDeadLetter(String stage, SerializableFunction<String, Parsed<T>> parser) {
    this(stage, parser, null);
  }

  /**
   * @param internalType how the parsed records travel between operators, when not as {@link
   *     JsonRecordSerializer} JSON: the round trip is checked through its serializer
   */
  public ParseOrDeadLetter(
      String stage,
      SerializableFunction<String, Parsed<T>> parser,
      TypeInformation<T> internalType) {
    this.stage = stage;
    this.parser = parser;
    this.internalType = internalType;
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
    String json;
    try {
      json = Contracts.toJson(value); // the canonical UTF-8 JSON Kafka carries
    } catch (RuntimeException e) {
      return "the parsed record cannot be written: " + e.getClass().getSimpleName();
    }
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
      TypeSerializer<T> internalSerializer = serializer(value);
      buffer.clear();
      internalSerializer.serialize(value, buffer);
      internal =
          internalSerializer.deserialize(
              new DataInputDeserializer(buffer.getSharedBuffer(), 0, buffer.length()));
    } catch (RuntimeException | IOException e) {
      return "the record written between operators cannot be read back: "
          + e.getClass().getSimpleName();
    }
    if (!value.equals(internal)) {
      return "written and read back between operators, the record differs from the one parsed";
    }
    return null;
  }

  private TypeSerializer<T> serializer(T value) {
    if (serializer == null) {
      buffer = new DataOutputSerializer(1024);
      if (internalType != null) {
        serializer = internalType.createSerializer(new SerializerConfigImpl());
      } else {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass(); // one parser, one record class
        serializer = new JsonRecordSerializer<>(type);
      }
    }
    return serializer;
  }
}
