package com.sendflowr.timing.job.identity;

import com.sendflowr.flink.BinaryCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * What the resolver remembers about one identity key: the strongest id it was linked to, and
 * whether records were resolved under the key's own id and still wait to be merged. Pure
 * transitions; the operator only stores the result.
 *
 * @param linkedId the strongest id the key was linked to, or null
 * @param linkedBy the record that made that link
 * @param linkedAt when (the linking record's event time)
 * @param ownIdSince the first time a record was resolved under the key's own id since its last
 *     merge, or null: that history has to move when the key is linked
 * @param expiresAt event time (epoch millis) after which an untouched key is forgotten
 */
public record KeyState(
    String linkedId, String linkedBy, Instant linkedAt, Instant ownIdSince, long expiresAt) {

  public static final KeyState EMPTY = new KeyState(null, null, null, null, Long.MIN_VALUE);

  /** The id a record routed to this key gets, and the state afterwards. */
  public record Resolution(String id, boolean linked, KeyState next) {}

  /**
   * The state after a link, and the merge it calls for, if any (null otherwise).
   *
   * @param conflict the key was claimed by two different ids of the same strength (a phone or an
   *     ESP id shared by two e-mails): it follows the stronger by {@link IdentityKeys#PRECEDENCE}
   */
  public record LinkResult(KeyState next, RecipientMerge merge, boolean conflict) {}

  /**
   * Resolves a record routed to the key whose own id is {@code keyId}: the linked id, else the
   * key's own id, remembering that history now exists under it.
   */
  public Resolution resolve(String keyId, Instant at) {
    if (linkedId != null) {
      return new Resolution(linkedId, true, this);
    }
    KeyState next = ownIdSince != null ? this : new KeyState(null, null, null, at, expiresAt);
    return new Resolution(keyId, false, next);
  }

  /**
   * Applies a link. Only a link to an id stronger than both the key's own and its current link is
   * kept; if records were resolved under the key's own id, their history is merged into the new id.
   * A later, even stronger link moves only what was resolved under the key's own id since, never
   * the history of the id it replaces (that id names a key of its own, merged by that key).
   */
  public LinkResult link(String keyId, Link link, Instant at) {
    if (!IdentityKeys.mayLink(keyId, link.into())) {
      return new LinkResult(this, null, false);
    }
    boolean conflict =
        linkedId != null
            && !linkedId.equals(link.into())
            && IdentityKeys.strengthOf(linkedId) == IdentityKeys.strengthOf(link.into());
    if (linkedId != null && IdentityKeys.PRECEDENCE.compare(link.into(), linkedId) <= 0) {
      return new LinkResult(this, null, conflict);
    }
    RecipientMerge merge =
        ownIdSince == null
            ? null
            : new RecipientMerge(
                keyId,
                link.into(),
                at,
                IdentityKeys.strengthOf(keyId).wire()
                    + "_to_"
                    + IdentityKeys.strengthOf(link.into()).wire(),
                link.key(),
                link.linkedBy());
    return new LinkResult(
        new KeyState(link.into(), link.linkedBy(), at, null, expiresAt), merge, conflict);
  }

  public KeyState expiringAt(long millis) {
    return new KeyState(linkedId, linkedBy, linkedAt, ownIdSince, millis);
  }

  /**
   * The state's versioned binary format: it is read on every record routed to a key, so it is kept
   * small and cheap to decode rather than JSON.
   */
  public static final class Codec implements BinaryCodec<KeyState> {
    private static final long serialVersionUID = 1L;
    private static final byte VERSION = 1;

    @Override
    public Class<KeyState> type() {
      return KeyState.class;
    }

    @Override
    public byte[] encode(KeyState s) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        writeString(out, s.linkedId());
        writeString(out, s.linkedBy());
        writeInstant(out, s.linkedAt());
        writeInstant(out, s.ownIdSince());
        out.writeLong(s.expiresAt());
      } catch (IOException e) {
        throw new UncheckedIOException(e); // an in-memory stream does not fail
      }
      return bytes.toByteArray();
    }

    @Override
    public KeyState decode(byte[] bytes) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        byte version = in.readByte();
        if (version != VERSION) {
          throw new IllegalArgumentException("identity key state format " + version + " unknown");
        }
        return new KeyState(
            readString(in), readString(in), readInstant(in), readInstant(in), in.readLong());
      } catch (IOException e) {
        throw new IllegalArgumentException("truncated identity key state", e);
      }
    }

    @Override
    public KeyState copy(KeyState value) {
      return value; // immutable
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
      out.writeBoolean(s != null);
      if (s != null) {
        out.writeUTF(s);
      }
    }

    private static String readString(DataInputStream in) throws IOException {
      return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
      out.writeBoolean(t != null);
      if (t != null) {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
      }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
      return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }
  }
}
