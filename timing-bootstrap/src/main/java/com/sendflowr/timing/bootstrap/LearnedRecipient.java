package com.sendflowr.timing.bootstrap;

/**
 * One recipient's state as the bootstrap hands it to Flink.
 *
 * @param recipient the id the running job keys the recipient under
 * @param state {@link com.sendflowr.timing.model.RecipientState#toBytes()}: its versioned codec
 * @param lastActivityMillis epoch millis of the newest learned signal
 */
public record LearnedRecipient(String recipient, byte[] state, long lastActivityMillis) {}
