package com.sendflowr.timing.job.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyStateTest {
  static final Instant T0 = Instant.parse("2026-01-05T09:30:00Z");
  static final String ESP = "alias:klaviyo_profile_id:01HX";
  static final String PHONE = IdentityKeys.key("phone_e164", "+14155550100").id();
  static final String EMAIL = IdentityKeys.key("email_sha256", "a".repeat(64)).id();
  static final String EMAIL_B = IdentityKeys.key("email_sha256", "b".repeat(64)).id();

  static Link link(String into) {
    return new Link(into, "k", "event_id:e-" + into.hashCode());
  }

  @Test
  void anUnlinkedKeyNamesItsOwnIdAndRemembersThatHistoryExistsUnderIt() {
    KeyState.Resolution r = KeyState.EMPTY.resolve(ESP, T0);
    assertThat(r.id()).isEqualTo(ESP);
    assertThat(r.linked()).isFalse();
    assertThat(r.next().ownIdSince()).isEqualTo(T0);
    // The first use is kept: the history starts there.
    assertThat(r.next().resolve(ESP, T0.plusSeconds(5)).next().ownIdSince()).isEqualTo(T0);
  }

  @Test
  void linkingAKeyWithHistoryMergesItOnceAndLaterRecordsFollowTheLink() {
    KeyState used = KeyState.EMPTY.resolve(ESP, T0).next();
    KeyState.LinkResult linked = used.link(ESP, link(EMAIL), T0.plusSeconds(1));
    assertThat(linked.merge())
        .isEqualTo(
            new RecipientMerge(
                ESP,
                EMAIL,
                T0.plusSeconds(1),
                "provisional_to_email",
                "k",
                link(EMAIL).linkedBy()));
    assertThat(linked.next().ownIdSince()).isNull();

    KeyState.LinkResult again = linked.next().link(ESP, link(EMAIL), T0.plusSeconds(2));
    assertThat(again.merge()).isNull();
    assertThat(again.next()).isEqualTo(linked.next());

    KeyState.Resolution after = linked.next().resolve(ESP, T0.plusSeconds(3));
    assertThat(after.id()).isEqualTo(EMAIL);
    assertThat(after.linked()).isTrue();
    assertThat(after.next().linkedAt()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void aLinkWithoutHistoryMergesNothing() {
    KeyState.LinkResult r = KeyState.EMPTY.link(ESP, link(EMAIL), T0);
    assertThat(r.merge()).isNull();
    assertThat(r.next().linkedId()).isEqualTo(EMAIL);
  }

  @Test
  void aPhoneClaimedByAnEmailMergesPhoneToEmailAndNeverBack() {
    KeyState phone = KeyState.EMPTY.resolve(PHONE, T0).next();
    KeyState.LinkResult claimed = phone.link(PHONE, link(EMAIL), T0.plusSeconds(1));
    assertThat(claimed.merge().from()).isEqualTo(PHONE);
    assertThat(claimed.merge().into()).isEqualTo(EMAIL);
    assertThat(claimed.merge().reason()).isEqualTo("phone_to_email");

    // An e-mail is never linked to a phone, nor to another e-mail.
    KeyState email = KeyState.EMPTY.resolve(EMAIL, T0).next();
    assertThat(email.link(EMAIL, link(PHONE), T0).merge()).isNull();
    assertThat(email.link(EMAIL, link(PHONE), T0).next()).isEqualTo(email);
    assertThat(email.link(EMAIL, link(EMAIL_B), T0).next()).isEqualTo(email);
    assertThat(email.link(EMAIL, link(EMAIL_B), T0).conflict()).isFalse();
    assertThat(email.link(EMAIL, link(EMAIL), T0).next()).isEqualTo(email);
  }

  @Test
  void aKeyClaimedByTwoIdsOfTheSameStrengthIsAConflictThatFollowsTheStronger() {
    KeyState toA = KeyState.EMPTY.link(PHONE, link(EMAIL), T0).next();
    KeyState.LinkResult toB = toA.link(PHONE, link(EMAIL_B), T0);
    assertThat(toB.conflict()).isTrue();
    assertThat(toB.next().linkedId()).isEqualTo(EMAIL_B);
    KeyState.LinkResult backToA = toB.next().link(PHONE, link(EMAIL), T0);
    assertThat(backToA.conflict()).isTrue();
    assertThat(backToA.next().linkedId()).isEqualTo(EMAIL_B);
    assertThat(toB.next().link(PHONE, link("u-1"), T0).conflict()).isFalse();
    assertThat(toB.next().link(PHONE, link(EMAIL_B), T0).conflict()).isFalse();
  }

  @Test
  void aStrongerLinkReplacesAWeakerOneButOnlyTheKeysOwnHistoryMoves() {
    KeyState esp = KeyState.EMPTY.resolve(ESP, T0).next();
    KeyState.LinkResult toPhone = esp.link(ESP, link(PHONE), T0.plusSeconds(1));
    assertThat(toPhone.merge().into()).isEqualTo(PHONE);
    KeyState.LinkResult toEmail = toPhone.next().link(ESP, link(EMAIL), T0.plusSeconds(2));
    assertThat(toEmail.merge()).as("the phone's history is the phone key's to merge").isNull();
    assertThat(toEmail.next().linkedId()).isEqualTo(EMAIL);
    assertThat(toEmail.next().link(ESP, link(PHONE), T0.plusSeconds(3)).next().linkedId())
        .isEqualTo(EMAIL);
  }

  @Test
  void everyArrivalOrderOfLinksConvergesOnTheSameIdWithAtMostOneAcyclicMerge() {
    List<String> candidates = List.of(PHONE, EMAIL, EMAIL_B, "u-1", "u-2", ESP);
    Random random = new Random(7);
    Set<String> finals = new HashSet<>();
    for (int run = 0; run < 200; run++) {
      List<String> order = new ArrayList<>(candidates);
      Collections.shuffle(order, random);
      KeyState s = KeyState.EMPTY.resolve(ESP, T0).next();
      List<RecipientMerge> merges = new ArrayList<>();
      for (String into : order) {
        KeyState.LinkResult r = s.link(ESP, link(into), T0);
        if (r.merge() != null) {
          merges.add(r.merge());
          assertThat(IdentityKeys.PRECEDENCE.compare(r.merge().into(), r.merge().from()))
              .isPositive();
        }
        s = r.next();
      }
      assertThat(merges).hasSize(1);
      finals.add(s.linkedId());
    }
    assertThat(finals).containsExactly("u-2");
  }

  @Test
  void theBinaryFormatRoundTripsEveryFieldAndRefusesAnUnknownVersion() {
    KeyState.Codec codec = new KeyState.Codec();
    KeyState full = new KeyState(EMAIL, "event_id:e-😀", T0, T0.plusNanos(1), 1_767_571_200_000L);
    for (KeyState s : List.of(KeyState.EMPTY, full, KeyState.EMPTY.resolve(ESP, T0).next())) {
      assertThat(codec.decode(codec.encode(s))).isEqualTo(s);
    }
    byte[] bytes = codec.encode(full);
    bytes[0] = 9;
    assertThatThrownBy(() -> codec.decode(bytes)).hasMessageContaining("format 9");
    assertThatThrownBy(() -> codec.decode(java.util.Arrays.copyOf(codec.encode(full), 3)))
        .hasMessageContaining("truncated");
  }
}
