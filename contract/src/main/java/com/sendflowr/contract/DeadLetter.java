package com.sendflowr.contract;

import java.time.Instant;

/**
 * Anything rejected, with the reason, so nothing disappears silently.
 *
 * @param stage which component rejected it (e.g. {@code timing-job/signals})
 * @param payload the rejected payload, truncated to {@link Contracts#MAX_DEAD_LETTER_PAYLOAD_CHARS}
 */
public record DeadLetter(
    String deadLetterId,
    String stage,
    String sourceTopic,
    String key,
    RejectReason reason,
    String detail,
    String payload,
    boolean payloadTruncated,
    Instant rejectedAt) {}
