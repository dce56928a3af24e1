package com.sendflowr.timing.job.identity;

/**
 * A record's claim that one of its identity keys belongs to the recipient it names.
 *
 * @param into the id the key is linked to (always stronger than the key's own id)
 * @param key the linked key as shown in explanations (a phone as its hash)
 * @param linkedBy the record that made the claim ({@code event_id:...} or {@code request_id:...})
 */
public record Link(String into, String key, String linkedBy) {}
