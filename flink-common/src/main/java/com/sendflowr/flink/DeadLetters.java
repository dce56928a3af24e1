package com.sendflowr.flink;

import com.sendflowr.contract.DeadLetter;
import org.apache.flink.util.OutputTag;

/** The side output every operator uses for what it rejects. */
public final class DeadLetters {
  public static final OutputTag<DeadLetter> TAG =
      new OutputTag<>("dead-letters", JsonRecordTypeInfo.of(DeadLetter.class));

  private DeadLetters() {}
}
