package com.sendflowr.timing.job.identity;

import java.time.Instant;

/**
 * History kept under {@code from} belongs to {@code into}: a key that had named a recipient on its
 * own (provisionally, or by its phone or e-mail) has been linked to a stronger id. The decide
 * operator moves the history over. {@code into} is always stronger than {@code from} by {@link
 * IdentityKeys#PRECEDENCE}, so merges go one way and a chain of them ends.
 *
 * @param at when the link was made (the linking record's event time)
 * @param reason {@code <strength of from>_to_<strength of into>}, e.g. {@code provisional_to_email}
 * @param viaKey the key that was linked (a phone as its hash)
 * @param linkedBy the record that linked it
 */
public record RecipientMerge(
    String from, String into, Instant at, String reason, String viaKey, String linkedBy) {
  public RecipientMerge {
    if (from == null || into == null || from.equals(into)) {
      throw new IllegalArgumentException("a merge moves history between two different ids");
    }
  }
}
