package com.sendflowr.timing.model;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The average normalised engagement measure of a population (or one cohort), in the same Fourier
 * form as {@link RecipientState}. Every member counts once, whatever its volume, so a few heavy
 * clickers cannot dictate the prior of everybody else.
 */
public final class PopulationPrior {

  public static final byte FORMAT_VERSION = 1;

  private final double[] cos;
  private final double[] sin;
  private final long members;

  private PopulationPrior(double[] cos, double[] sin, long members) {
    this.cos = cos;
    this.sin = sin;
    this.members = members;
  }

  /** No information: the flat curve. */
  public static PopulationPrior empty() {
    return new PopulationPrior(new double[0], new double[0], 0);
  }

  public static Builder builder() {
    return new Builder(RecipientState.DEFAULT_HARMONICS);
  }

  public boolean isEmpty() {
    return members == 0;
  }

  public long members() {
    return members;
  }

  public int harmonics() {
    return cos.length;
  }

  double cos(int k) {
    return cos[k - 1];
  }

  double sin(int k) {
    return sin[k - 1];
  }

  /** Layout v1: version byte, harmonics (u16), members (i64), harmonics x (cos f64, sin f64). */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + 8 + 16 * cos.length);
    b.put(FORMAT_VERSION);
    b.putShort((short) cos.length);
    b.putLong(members);
    for (int k = 0; k < cos.length; k++) {
      b.putDouble(cos[k]);
      b.putDouble(sin[k]);
    }
    return b.array();
  }

  public static PopulationPrior fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 11 || bytes[0] != 1) {
      throw new IllegalArgumentException("not a v1 population prior");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    b.get();
    int k = Short.toUnsignedInt(b.getShort());
    if (bytes.length != 11 + 16 * k) {
      throw new IllegalArgumentException("population prior length does not match its harmonics");
    }
    long members = b.getLong();
    double[] c = new double[k];
    double[] s = new double[k];
    for (int i = 0; i < k; i++) {
      c[i] = b.getDouble();
      s[i] = b.getDouble();
    }
    return new PopulationPrior(c, s, members);
  }

  /** Accumulates members; not thread-safe. */
  public static final class Builder {
    private final double[] cos;
    private final double[] sin;
    private long members;

    private Builder(int harmonics) {
      cos = new double[harmonics];
      sin = new double[harmonics];
    }

    /** Adds one recipient with its normalised measure; recipients without evidence are skipped. */
    public Builder add(RecipientState state) {
      if (state == null || state.isEmpty()) {
        return this;
      }
      int k = Math.min(cos.length, state.harmonics());
      for (int i = 1; i <= k; i++) {
        cos[i - 1] += state.normalisedCos(i);
        sin[i - 1] += state.normalisedSin(i);
      }
      members++;
      return this;
    }

    public long members() {
      return members;
    }

    public PopulationPrior build() {
      if (members == 0) {
        return empty();
      }
      double[] c = new double[cos.length];
      double[] s = new double[sin.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = cos[i] / members;
        s[i] = sin[i] / members;
      }
      return new PopulationPrior(c, s, members);
    }
  }
}
