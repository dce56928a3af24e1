package com.sendflowr.configservice;

import com.sendflowr.config.FieldError;
import java.util.List;

/**
 * A request the API refuses, with the HTTP status, a stable machine-readable code and, for invalid
 * input, the problems field by field, so a UI can show each message next to its field.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final List<FieldError> fields;
  private final Long currentVersion;

  public ApiException(int status, String code, String message) {
    this(status, code, message, List.of(), null);
  }

  private ApiException(
      int status, String code, String message, List<FieldError> fields, Long currentVersion) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.fields = List.copyOf(fields);
    this.currentVersion = currentVersion;
  }

  public static ApiException invalid(List<FieldError> fields) {
    return new ApiException(
        400, "validation_failed", "the request has invalid fields", fields, null);
  }

  public static ApiException invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static ApiException notFound(String what, String id) {
    return new ApiException(404, "not_found", what + " '" + id + "' does not exist");
  }

  /** A stale edit: the entity changed since the client read it. */
  public static ApiException versionConflict(String what, String id, long expected, long current) {
    return new ApiException(
        409,
        "version_conflict",
        what
            + " '"
            + id
            + "' is at version "
            + current
            + ", not "
            + expected
            + ": reload it and apply the edit again",
        List.of(),
        current);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<FieldError> fields() {
    return fields;
  }

  public Long currentVersion() {
    return currentVersion;
  }

  /** The JSON body of the error response. */
  public ErrorBody body() {
    return new ErrorBody(code, getMessage(), fields.isEmpty() ? null : fields, currentVersion);
  }

  /**
   * Every error response of the API.
   *
   * @param error stable code, e.g. {@code validation_failed}, {@code version_conflict}
   * @param fields for {@code validation_failed}: each invalid field (snake_case path) and why
   * @param currentVersion for {@code version_conflict}: the version the entity is at now
   */
  public record ErrorBody(
      String error, String message, List<FieldError> fields, Long currentVersion) {}
}
