package com.sendflowr.contract;

/** The result of strictly parsing an input record: the typed value, or why it was rejected. */
public sealed interface Parsed<T> permits Parsed.Ok, Parsed.Rejected {

  record Ok<T>(T value) implements Parsed<T> {}

  record Rejected<T>(RejectReason reason, String detail) implements Parsed<T> {
    @Override
    public T value() {
      throw new IllegalStateException("rejected (" + reason.wire() + "): " + detail);
    }
  }

  T value();

  default boolean isOk() {
    return this instanceof Ok;
  }
}
