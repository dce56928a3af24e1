package com.sendflowr.contract;

/** Default Kafka topic names; every job takes overrides. Keys are the recipient's id. */
public final class Topics {
  public static final String SIGNALS = "sendflowr.signals";
  public static final String SEND_REQUESTS = "sendflowr.send-requests";
  public static final String DECISIONS = "sendflowr.decisions";
  public static final String DISPATCH_OUTCOMES = "sendflowr.dispatch-outcomes";

  /** Compacted: the latest config change per entity. */
  public static final String CONNECTOR_CONFIG = "sendflowr.connector-config";

  public static final String DEAD_LETTERS = "sendflowr.dead-letters";

  /**
   * The timing job's own loop: a recipient's history moving to the id it was merged into. Written
   * and read only by the timing job.
   */
  public static final String RECIPIENT_HANDOFFS = "sendflowr.recipient-handoffs";

  /**
   * One explanation row per decision, written in the same transaction as the decisions; the
   * explanation loader copies it to the store. Keyed by the recipient like the decisions.
   */
  public static final String EXPLANATIONS = "sendflowr.explanations";

  private Topics() {}
}
