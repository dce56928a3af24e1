package com.sendflowr.timing.tools;

/** A bad command line: printed with the usage text, exit code 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
