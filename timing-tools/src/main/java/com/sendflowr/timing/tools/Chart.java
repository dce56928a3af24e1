package com.sendflowr.timing.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A PNG bar chart of the backtest metrics: hit rates per policy on the left, information gain on
 * the right. Drawn with java.awt in headless mode so it runs on servers and in CI.
 */
final class Chart {
  private static final Color[] SERIES = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)
  };

  private Chart() {}

  static void write(Path file, String title, Map<String, PolicyMetrics> metrics)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int width = 1100;
    int height = 520;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      text(g, title, 20, 28, 15, Font.BOLD);

      String[] names = metrics.keySet().toArray(new String[0]);
      // Left panel: hit rates (0..1).
      int left = 60;
      int top = 60;
      int panelW = 640;
      int panelH = 360;
      axes(g, left, top, panelW, panelH);
      for (int i = 0; i <= 4; i++) {
        int y = top + panelH - i * panelH / 4;
        text(g, String.format("%.2f", i / 4.0), left - 40, y + 4, 11, Font.PLAIN);
      }
      int groupW = panelW / names.length;
      int barW = (groupW - 20) / 3;
      int[] minutes = {30, 60, 120};
      for (int p = 0; p < names.length; p++) {
        PolicyMetrics m = metrics.get(names[p]);
        for (int s = 0; s < 3; s++) {
          double v = m.hitRate(minutes[s]);
          int h = (int) Math.round(v * panelH);
          int x = left + p * groupW + 10 + s * barW;
          g.setColor(SERIES[s]);
          g.fillRect(x, top + panelH - h, barW - 2, h);
        }
        text(g, names[p], left + p * groupW + 6, top + panelH + 18, 11, Font.PLAIN);
      }
      for (int s = 0; s < 3; s++) {
        g.setColor(SERIES[s]);
        g.fillRect(left + 10 + s * 150, height - 50, 12, 12);
        text(
            g,
            "hit rate +-" + minutes[s] + " min",
            left + 28 + s * 150,
            height - 40,
            12,
            Font.PLAIN);
      }

      // Right panel: log-likelihood gain in bits (can be negative).
      int left2 = 780;
      int panel2W = 290;
      double max = 0.5;
      double min = 0;
      for (String n : names) {
        max = Math.max(max, metrics.get(n).logLikelihoodGainBits());
        min = Math.min(min, metrics.get(n).logLikelihoodGainBits());
      }
      max *= 1.15;
      double range = max - min;
      int zeroY = top + (int) Math.round(max / range * panelH);
      axes(g, left2, top, panel2W, panelH);
      g.setColor(Color.GRAY);
      g.drawLine(left2, zeroY, left2 + panel2W, zeroY);
      text(g, "log-likelihood gain (bits/event)", left2, top - 8, 12, Font.BOLD);
      int w2 = panel2W / names.length;
      for (int p = 0; p < names.length; p++) {
        double v = metrics.get(names[p]).logLikelihoodGainBits();
        int h = (int) Math.round(Math.abs(v) / range * panelH);
        int x = left2 + p * w2 + 4;
        g.setColor(p == 0 ? new Color(0xd62728) : new Color(0x7f7f7f));
        g.fillRect(x, v >= 0 ? zeroY - h : zeroY, w2 - 8, h);
        text(
            g,
            String.format("%.2f", v),
            x,
            v >= 0 ? zeroY - h - 4 : zeroY + h + 14,
            11,
            Font.PLAIN);
        text(g, abbreviate(names[p]), x, top + panelH + 18 + (p % 2) * 14, 10, Font.PLAIN);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(img, "png", file.toFile());
  }

  private static String abbreviate(String s) {
    return s.length() <= 10 ? s : s.substring(0, 10);
  }

  private static void axes(Graphics2D g, int x, int y, int w, int h) {
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1));
    g.drawLine(x, y, x, y + h);
    g.drawLine(x, y + h, x + w, y + h);
  }

  /** Text needs fonts; a machine without any still gets the bars rather than an error. */
  private static void text(Graphics2D g, String s, int x, int y, int size, int style) {
    try {
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, style, size));
      g.drawString(s, x, y);
    } catch (RuntimeException | Error e) {
      // no font configuration available: labels are skipped
    }
  }
}
