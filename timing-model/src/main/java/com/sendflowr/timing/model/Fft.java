package com.sendflowr.timing.model;

/**
 * Radix-2 complex FFT of one fixed size with precomputed twiddles, used to sample a curve's Fourier
 * series on a coarse weekly grid in O(n log n) instead of O(n * harmonics).
 */
final class Fft {
  private final int n;
  private final int[] bitReverse;
  private final double[] twCos;
  private final double[] twSin;

  Fft(int n) {
    if (Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("size must be a power of two");
    }
    this.n = n;
    int bits = Integer.numberOfTrailingZeros(n);
    bitReverse = new int[n];
    for (int i = 0; i < n; i++) {
      bitReverse[i] = Integer.reverse(i) >>> (32 - bits);
    }
    twCos = new double[n / 2];
    twSin = new double[n / 2];
    for (int i = 0; i < n / 2; i++) {
      // Positive exponent: this computes sum_k z_k e^{+2 pi i k j / n}, the synthesis direction.
      twCos[i] = Math.cos(2 * Math.PI * i / n);
      twSin[i] = Math.sin(2 * Math.PI * i / n);
    }
  }

  /** In-place inverse (synthesis) transform without the 1/n factor. */
  void inverse(double[] re, double[] im) {
    for (int i = 0; i < n; i++) {
      int j = bitReverse[i];
      if (j > i) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      int half = len >> 1;
      int step = n / len;
      for (int i = 0; i < n; i += len) {
        for (int j = 0, t = 0; j < half; j++, t += step) {
          double wr = twCos[t];
          double wi = twSin[t];
          int a = i + j;
          int b = a + half;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}
