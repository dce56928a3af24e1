package com.sendflowr.config;

/**
 * One problem with one field of a config entity, e.g. {@code campaign_id}: "Braze needs exactly one
 * of campaign_id or canvas_id". The config service returns these to its clients field by field; the
 * jobs turn the first one into a dead-letter reason.
 *
 * @param field the snapshot field (snake_case), as clients and the config topic name it
 */
public record FieldError(String field, String message) {

  /** The single-line form the jobs' parsers have always used: {@code 'field' problem in entity}. */
  public String describe(String entity) {
    return "'" + field + "' " + message + " in " + entity;
  }
}
