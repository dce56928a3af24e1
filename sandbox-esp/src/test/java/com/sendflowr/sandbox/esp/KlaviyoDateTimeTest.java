package com.sendflowr.sandbox.esp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An event's {@code time} reads as Klaviyo reads an offset date-time, whichever path it takes. */
class KlaviyoDateTimeTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-01-05T09:39:58Z",
        "2026-01-05T09:39:58.123456789Z",
        "2026-01-05T09:39:58.5Z",
        "2024-02-29T23:59:59Z",
        "2026-01-05T09:39Z",
        "2026-01-05T10:39:58+01:00",
        "2026-01-05T09:39:58.250-05:30",
        "1990-01-01T00:00:00Z"
      })
  void readsAsAnOffsetDateTime(String text) {
    assertThat(KlaviyoSandbox.dateTime(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-13-05T09:39:58Z",
        "2026-02-30T09:39:58Z",
        "2026-01-05T24:00:00Z",
        "2026-01-05T23:59:60Z",
        "2026-01-05 09:39:58Z",
        "2026-01-05T09:39:58",
        "yesterday"
      })
  void rejectsWhatAnOffsetDateTimeRejects(String text) {
    assertThatThrownBy(() -> OffsetDateTime.parse(text)).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> KlaviyoSandbox.dateTime(text))
        .isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void theUtcFormSendFlowrSendsIsExact() {
    assertThat(KlaviyoSandbox.dateTime("2026-01-05T09:39:58Z").getEpochSecond())
        .isEqualTo(1_767_605_998L);
  }
}
