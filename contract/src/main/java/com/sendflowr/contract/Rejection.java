package com.sendflowr.contract;

/** Thrown inside the parsers to abort with a reason; never escapes {@link Contracts}. */
final class Rejection extends RuntimeException {
  final RejectReason reason;

  Rejection(RejectReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }
}
