package dev.grpcinterop.harness.bench;

import java.util.List;

/**
 * One figure over the rounds of a measurement: their median, and their spread from the lowest to
 * the highest. Figures that could not be read (NaN) are left out; with none left, every part is
 * NaN.
 */
public record Measurement(double median, double low, double high, int rounds) {

  public static Measurement of(List<Double> values) {
    double[] sorted =
        values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return new Measurement(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    int middle = sorted.length / 2;
    double median =
        sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    return new Measurement(median, sorted[0], sorted[sorted.length - 1], sorted.length);
  }

  /** The spread as a share of the median: 0.1 when the rounds lie within 10 % of it. */
  public double relativeSpread() {
    return median == 0 || Double.isNaN(median) ? Double.NaN : (high - low) / median;
  }

  /** This figure over the same figure of a reference, such as the java → java cell. */
  public double ratioTo(Measurement reference) {
    return reference.median == 0 || Double.isNaN(reference.median)
        ? Double.NaN
        : median / reference.median;
  }
}
