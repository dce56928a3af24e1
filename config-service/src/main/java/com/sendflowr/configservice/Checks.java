package com.sendflowr.configservice;

import com.sendflowr.config.FieldError;
import com.sendflowr.contract.Contracts;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects field errors of one request, so a client hears about every invalid field at once. Every
 * text field has a length limit; ids follow the contract's id syntax, so whatever the service
 * stores can be published and parsed by the jobs.
 */
final class Checks {
  static final int MAX_ID = 128;
  static final int MAX_NAME = 200;
  static final int MAX_DESCRIPTION = 2_000;

  private static final Pattern JOB_MESSAGE = Pattern.compile("'([a-z_]+)' (.*) in (an?|the) .*");

  private final List<FieldError> errors = new ArrayList<>();

  void add(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  void addAll(List<FieldError> more) {
    errors.addAll(more);
  }

  /**
   * Turns a job parser's rejection ({@code 'field' problem in an entity}) into a field error: the
   * jobs' readers are the one implementation of what a valid intent or signal mapping is.
   */
  void fromJobParser(IllegalArgumentException e) {
    Matcher m = JOB_MESSAGE.matcher(String.valueOf(e.getMessage()));
    if (m.matches()) {
      add(m.group(1), m.group(2));
    } else {
      add("", String.valueOf(e.getMessage()));
    }
  }

  boolean ok() {
    return errors.isEmpty();
  }

  void throwIfAny() {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
  }

  /** A required id in the contract's id syntax. */
  void id(String field, String value) {
    if (value == null || value.isEmpty()) {
      add(field, "is required");
    } else if (value.length() > MAX_ID) {
      add(field, "must be at most " + MAX_ID + " characters");
    } else if (!Contracts.IDENTIFIER.matcher(value).matches() || value.indexOf('/') >= 0) {
      // The contract also allows '/', but here an id is a URL path segment.
      add(
          field,
          "must start with a letter or digit and contain only letters, digits and . _ : @ + = -");
    }
  }

  /** Free text: length-limited, no control characters but line breaks and tabs when multiline. */
  void text(String field, String value, int max, boolean required, boolean multiline) {
    if (value == null || value.isBlank()) {
      if (required) {
        add(field, "is required");
      }
      return;
    }
    if (value.length() > max) {
      add(field, "must be at most " + max + " characters");
      return;
    }
    boolean control =
        value
            .codePoints()
            .anyMatch(
                cp -> Character.isISOControl(cp) && !(multiline && (cp == '\n' || cp == '\t')));
    if (control) {
      add(field, "must not contain control characters");
    }
    if (value.codePoints().anyMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)) {
      add(field, "must be well-formed Unicode");
    }
  }

  void range(String field, Number value, long min, long max) {
    if (value != null && (value.longValue() < min || value.longValue() > max)) {
      add(field, "must be between " + min + " and " + max);
    }
  }
}
