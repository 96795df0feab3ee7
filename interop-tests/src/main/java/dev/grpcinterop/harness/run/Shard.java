package dev.grpcinterop.harness.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One of N parts of a run ({@code -Dinterop.shard=K/N}), for CI machines that each run one: the
 * same split on every machine, balanced by what each part costs. Pure.
 *
 * @param index K, from 1
 * @param count N
 */
public record Shard(int index, int count) {
  public static final Shard WHOLE = new Shard(1, 1);
  private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+)\\s*");

  /** A unit of work that goes to one shard whole: a pair's cases, or a generated case. */
  public record Unit(String name, double cost) {}

  /** {@code -Dinterop.shard}, or the whole run when it is not set. */
  public static Shard fromSystemProperty() {
    String text = System.getProperty("interop.shard", "");
    return text.isBlank() ? WHOLE : parse(text);
  }

  public static Shard parse(String text) {
    Matcher m = FORM.matcher(text);
    if (m.matches()) {
      try {
        int k = Integer.parseInt(m.group(1));
        int n = Integer.parseInt(m.group(2));
        if (k >= 1 && k <= n) {
          return new Shard(k, n);
        }
      } catch (NumberFormatException tooLarge) {
        // falls through to the message
      }
    }
    throw new IllegalArgumentException(
        "-Dinterop.shard must be K/N, this machine's part K of N (1 ≤ K ≤ N), e.g. 1/2; it is \""
            + text
            + "\".");
  }

  public boolean isWhole() {
    return count == 1;
  }

  /**
   * The names of the units that fall to this shard. Units are dealt out costliest first, each to
   * the part with the least cost so far (the lowest K on a tie), so that every machine computes the
   * same split from the same units and costs, and the parts cost about the same.
   */
  public Set<String> take(List<Unit> units) {
    List<Unit> order = new ArrayList<>(units);
    order.sort(Comparator.comparingDouble(Unit::cost).reversed().thenComparing(Unit::name));
    double[] load = new double[count];
    List<String> mine = new ArrayList<>();
    for (Unit unit : order) {
      int least = 0;
      for (int part = 1; part < count; part++) {
        if (load[part] < load[least]) {
          least = part;
        }
      }
      load[least] += unit.cost();
      if (least == index - 1) {
        mine.add(unit.name());
      }
    }
    return Set.copyOf(mine);
  }

  /**
   * The cost of each unit: what an earlier run measured ({@code measured}, by unit name) where it
   * has it, else {@code otherwise}.
   */
  public static List<Unit> costed(
      List<String> names, Map<String, Double> measured, Map<String, Double> otherwise) {
    return names.stream()
        .map(n -> new Unit(n, measured.getOrDefault(n, otherwise.getOrDefault(n, 1.0))))
        .collect(Collectors.toList());
  }

  /** "shard 1/2". */
  @Override
  public String toString() {
    return "shard " + index + "/" + count;
  }
}
