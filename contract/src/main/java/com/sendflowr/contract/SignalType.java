package com.sendflowr.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** The signal types this version knows, with the role each plays. */
public enum SignalType {
  CLICK(Category.ENGAGEMENT),
  CONVERSION(Category.ENGAGEMENT),
  REPLY(Category.ENGAGEMENT),
  SITE_VISIT(Category.ENGAGEMENT),
  SMS_CLICK(Category.ENGAGEMENT),
  APP_OPEN(Category.ENGAGEMENT),
  /** Weak evidence: Apple Mail Privacy Protection pre-fetches images and fakes opens. */
  OPEN(Category.ENGAGEMENT),
  /** Delivery feedback for a dispatch; feeds the latency tracker. */
  DELIVERED(Category.DELIVERY),
  TICKET_OPENED(Category.CONTEXT),
  TICKET_CLOSED(Category.CONTEXT),
  UNSUBSCRIBED(Category.CONTEXT),
  COMPLAINT(Category.CONTEXT),
  HARD_BOUNCE(Category.CONTEXT);

  /** What a signal of this type tells the timing layer. */
  public enum Category {
    ENGAGEMENT,
    DELIVERY,
    CONTEXT
  }

  private final Category category;
  private final String wire = name().toLowerCase(Locale.ROOT);

  SignalType(Category category) {
    this.category = category;
  }

  public Category category() {
    return category;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  public static Optional<SignalType> fromWire(String wire) {
    return Optional.ofNullable(
        wire == null ? null : WireNames.lookup(values(), SignalType::wire, wire));
  }
}
