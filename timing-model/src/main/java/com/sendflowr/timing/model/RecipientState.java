package com.sendflowr.timing.model;

import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SignalType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A recipient's engagement history as the first {@link #harmonics()} Fourier coefficients of the
 * recency-decayed, weighted event measure on the 10,080-minute week.
 *
 * <p>Why Fourier coefficients: they are a sufficient statistic for the Gaussian-smoothed curve at
 * any width the kernel's spectrum lets through, so the smoothing width stays a read-time setting
 * (changing it needs no replay); updating is O(harmonics) with no transcendental call per harmonic;
 * the curve is periodic by construction; the size is fixed whatever the history length. Decay
 * scales every coefficient alike, so it is applied lazily when time moves forward.
 *
 * <p>Not thread-safe: one instance belongs to one keyed operator or one backtest recipient.
 */
public final class RecipientState {

  /** Format version of {@link #toBytes()}; bump and keep reading older versions when it changes. */
  public static final byte FORMAT_VERSION = 1;

  /** 240 harmonics keep the serialised state under 2 KB (8 bytes per harmonic). */
  public static final int DEFAULT_HARMONICS = 240;

  /**
   * The narrowest kernel whose spectrum has decayed below 1e-3 at the last stored harmonic; a
   * narrower kernel would ring (Gibbs) because the truncated tail is no longer negligible.
   */
  public static final double MIN_SMOOTHING_MINUTES =
      3.72 * MinuteOfWeek.MINUTES_PER_WEEK / (2 * Math.PI * DEFAULT_HARMONICS);

  static final double OMEGA = 2 * Math.PI / MinuteOfWeek.MINUTES_PER_WEEK;

  private static final int HEADER_BYTES = 1 + 2 + 8 + 8 + 4;

  private final float[] cos;
  private final float[] sin;
  private double mass;
  private long lastUpdateEpochSecond;
  private int signalCount;

  public RecipientState() {
    this(DEFAULT_HARMONICS);
  }

  public RecipientState(int harmonics) {
    if (harmonics < 1 || harmonics > 4096) {
      throw new IllegalArgumentException("harmonics must be in [1, 4096]");
    }
    this.cos = new float[harmonics];
    this.sin = new float[harmonics];
    this.lastUpdateEpochSecond = Long.MIN_VALUE;
  }

  public int harmonics() {
    return cos.length;
  }

  /** Decayed, weighted evidence as of the last update. */
  public double mass() {
    return mass;
  }

  /** Decayed evidence as of {@code at} (never grows with time). */
  public double massAt(Instant at, Duration halfLife) {
    if (mass == 0 || lastUpdateEpochSecond == Long.MIN_VALUE) {
      return 0;
    }
    long dt = at.getEpochSecond() - lastUpdateEpochSecond;
    return dt <= 0 ? mass : mass * decayFactor(dt, halfLife);
  }

  /** Signals that carried weight, over the recipient's whole history (undecayed). */
  public int signalCount() {
    return signalCount;
  }

  public boolean isEmpty() {
    return mass <= 0;
  }

  /** The newest signal time seen, or null before the first update. */
  public Instant lastUpdate() {
    return lastUpdateEpochSecond == Long.MIN_VALUE
        ? null
        : Instant.ofEpochSecond(lastUpdateEpochSecond);
  }

  /**
   * Adds a typed signal with the configured weight; returns false for types that carry no timing
   * evidence (delivery, context and unknown types).
   */
  public boolean update(SignalType type, Instant at, ModelConfig config) {
    if (!learnsFrom(type, config)) {
      return false;
    }
    double w = config.weightOf(type);
    long t = at.getEpochSecond();
    if (config.burstMinutes() > 0
        && lastUpdateEpochSecond != Long.MIN_VALUE
        && t >= lastUpdateEpochSecond) {
      // A signal right after the previous one adds little new information about *when* the
      // person is active (a burst of clicks, a run of commits); one hours later counts fully.
      // Late (out-of-order) signals are not discounted: their neighbours are unknown here.
      w = burstWeight(w, (t - lastUpdateEpochSecond) / 60.0, config.burstMinutes());
      if (w <= 0) {
        // A duplicate of the previous signal's second: nothing new.
        return true;
      }
    }
    update(w, at, config.halfLife());
    return true;
  }

  /**
   * The evidence a signal adds {@code gapMinutes} after the previous one under burst de-duplication
   * with time constant {@code burstMinutes} (&gt; 0): {@code weight · (1 − exp(−gap /
   * burstMinutes))}.
   */
  public static double burstWeight(double weight, double gapMinutes, double burstMinutes) {
    return weight * -Math.expm1(-gapMinutes / burstMinutes);
  }

  /**
   * Whether the curve learns from a signal of this type: a known type ({@code null} for unknown)
   * with a positive evidence weight. The one rule the timing job and its bootstrap from history
   * share, so a bootstrapped recipient holds exactly what the running job would have learned.
   */
  public static boolean learnsFrom(SignalType type, ModelConfig config) {
    return type != null && config.weightOf(type) > 0;
  }

  /** Adds one signal of the given evidence weight at {@code at}; out-of-order times are fine. */
  public void update(double weight, Instant at, Duration halfLife) {
    update(weight, at.getEpochSecond(), MinuteOfWeek.fractionalOf(at), halfLife);
  }

  /**
   * Same as {@link #update(double, Instant, Duration)} with the minute-of-week already computed,
   * for callers that have it.
   */
  public void update(double weight, long epochSecond, double minuteOfWeek, Duration halfLife) {
    if (!(weight > 0) || Double.isInfinite(weight)) {
      return;
    }
    double w = weight;
    if (lastUpdateEpochSecond == Long.MIN_VALUE) {
      lastUpdateEpochSecond = epochSecond;
    } else if (epochSecond > lastUpdateEpochSecond) {
      scale(decayFactor(epochSecond - lastUpdateEpochSecond, halfLife));
      lastUpdateEpochSecond = epochSecond;
    } else if (epochSecond < lastUpdateEpochSecond) {
      w *= decayFactor(lastUpdateEpochSecond - epochSecond, halfLife);
    }
    double theta = OMEGA * minuteOfWeek;
    double c1 = Math.cos(theta);
    double s1 = Math.sin(theta);
    double c = c1;
    double s = s1;
    for (int k = 0; k < cos.length; k++) {
      cos[k] += (float) (w * c);
      sin[k] += (float) (w * s);
      double nc = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = nc;
    }
    mass += w;
    signalCount++;
  }

  /** Applies decay up to {@code now}; a no-op when {@code now} is not after the last update. */
  public void decayTo(Instant now, Duration halfLife) {
    long t = now.getEpochSecond();
    if (lastUpdateEpochSecond != Long.MIN_VALUE && t > lastUpdateEpochSecond) {
      scale(decayFactor(t - lastUpdateEpochSecond, halfLife));
      lastUpdateEpochSecond = t;
    }
  }

  private void scale(double f) {
    float ff = (float) f;
    for (int k = 0; k < cos.length; k++) {
      cos[k] *= ff;
      sin[k] *= ff;
    }
    mass *= f;
  }

  static double decayFactor(long seconds, Duration halfLife) {
    return Math.exp(-Math.log(2) * seconds / (double) halfLife.toSeconds());
  }

  /** Normalised cosine coefficient of harmonic {@code k} (1-based): mean of cos(k*theta). */
  double normalisedCos(int k) {
    return mass > 0 ? cos[k - 1] / mass : 0;
  }

  /** Normalised sine coefficient of harmonic {@code k} (1-based). */
  double normalisedSin(int k) {
    return mass > 0 ? sin[k - 1] / mass : 0;
  }

  /** The normalised coefficients of harmonics 1..n into {@code a[0..n)}, {@code b[0..n)}. */
  void normalised(double[] a, double[] b) {
    int n = Math.min(a.length, cos.length);
    double inv = mass > 0 ? 1 / mass : 0;
    for (int k = 0; k < n; k++) {
      a[k] = cos[k] * inv;
      b[k] = sin[k] * inv;
    }
  }

  /**
   * Adds another history of the same person (an identity merge): both are decayed to the later of
   * their last updates and summed, so no evidence is lost and none is counted twice.
   *
   * @throws IllegalArgumentException when the two hold a different number of harmonics
   */
  public void mergeFrom(RecipientState other, Duration halfLife) {
    if (other.cos.length != cos.length) {
      throw new IllegalArgumentException(
          "cannot merge " + other.cos.length + " harmonics into " + cos.length);
    }
    if (other.lastUpdateEpochSecond == Long.MIN_VALUE) {
      return;
    }
    double otherScale = 1;
    if (lastUpdateEpochSecond == Long.MIN_VALUE) {
      lastUpdateEpochSecond = other.lastUpdateEpochSecond;
    } else if (other.lastUpdateEpochSecond > lastUpdateEpochSecond) {
      scale(decayFactor(other.lastUpdateEpochSecond - lastUpdateEpochSecond, halfLife));
      lastUpdateEpochSecond = other.lastUpdateEpochSecond;
    } else {
      otherScale = decayFactor(lastUpdateEpochSecond - other.lastUpdateEpochSecond, halfLife);
    }
    for (int k = 0; k < cos.length; k++) {
      cos[k] += (float) (otherScale * other.cos[k]);
      sin[k] += (float) (otherScale * other.sin[k]);
    }
    mass += otherScale * other.mass;
    signalCount += other.signalCount;
  }

  public RecipientState copy() {
    RecipientState c = new RecipientState(cos.length);
    System.arraycopy(cos, 0, c.cos, 0, cos.length);
    System.arraycopy(sin, 0, c.sin, 0, sin.length);
    c.mass = mass;
    c.lastUpdateEpochSecond = lastUpdateEpochSecond;
    c.signalCount = signalCount;
    return c;
  }

  /** Size of {@link #toBytes()} without building it. */
  public int serializedSize() {
    return HEADER_BYTES + 8 * cos.length;
  }

  /**
   * Layout v1: version byte, harmonics (u16), last update epoch second (i64), mass (f64), signal
   * count (i32), then harmonics x (cos f32, sin f32).
   */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(serializedSize());
    b.put(FORMAT_VERSION);
    b.putShort((short) cos.length);
    b.putLong(lastUpdateEpochSecond);
    b.putDouble(mass);
    b.putInt(signalCount);
    for (int k = 0; k < cos.length; k++) {
      b.putFloat(cos[k]);
      b.putFloat(sin[k]);
    }
    return b.array();
  }

  public static RecipientState fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < HEADER_BYTES) {
      throw new IllegalArgumentException("recipient state too short: " + bytes.length + " bytes");
    }
    byte version = b.get();
    if (version != 1) {
      throw new IllegalArgumentException("unknown recipient state format version " + version);
    }
    int harmonics = Short.toUnsignedInt(b.getShort());
    if (harmonics < 1 || bytes.length != HEADER_BYTES + 8 * harmonics) {
      throw new IllegalArgumentException(
          "recipient state of "
              + bytes.length
              + " bytes does not hold "
              + harmonics
              + " harmonics");
    }
    RecipientState s = new RecipientState(harmonics);
    s.lastUpdateEpochSecond = b.getLong();
    s.mass = b.getDouble();
    s.signalCount = b.getInt();
    for (int k = 0; k < harmonics; k++) {
      s.cos[k] = b.getFloat();
      s.sin[k] = b.getFloat();
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecipientState other
        && mass == other.mass
        && lastUpdateEpochSecond == other.lastUpdateEpochSecond
        && signalCount == other.signalCount
        && Arrays.equals(cos, other.cos)
        && Arrays.equals(sin, other.sin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mass, lastUpdateEpochSecond, signalCount, Arrays.hashCode(cos));
  }

  @Override
  public String toString() {
    return "RecipientState{harmonics="
        + cos.length
        + ", mass="
        + mass
        + ", signals="
        + signalCount
        + ", lastUpdate="
        + lastUpdate()
        + "}";
  }
}
