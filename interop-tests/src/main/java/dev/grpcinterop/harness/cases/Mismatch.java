package dev.grpcinterop.harness.cases;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How an observation differs from its expectation, one difference per place: empty when the case
 * passed. A value, so that whoever judges a case (the runner, a unit test, the report) reads the
 * same thing.
 */
public record Mismatch(List<Difference> differences) {
  public static final Mismatch NONE = new Mismatch(List.of());

  /** {@code where} names the place ("status", "responses[0].result.integer"). */
  public record Difference(String where, String expected, String observed) {
    @Override
    public String toString() {
      return where + ": expected " + expected + ", got " + observed;
    }
  }

  public Mismatch {
    differences = List.copyOf(differences);
  }

  public static Mismatch of(String where, String expected, String observed) {
    return new Mismatch(List.of(new Difference(where, expected, observed)));
  }

  /** A failure that is not a comparison of values, such as a step that could not be carried out. */
  public static Mismatch because(String what) {
    return of("case", "to run", what);
  }

  public boolean isEmpty() {
    return differences.isEmpty();
  }

  public Mismatch and(Mismatch other) {
    if (other.isEmpty()) {
      return this;
    }
    List<Difference> all = new ArrayList<>(differences);
    all.addAll(other.differences);
    return new Mismatch(all);
  }

  /** The same differences, each placed under {@code context} ("after the restart: status: ..."). */
  public Mismatch in(String context) {
    return new Mismatch(
        differences.stream()
            .map(d -> new Difference(context + ": " + d.where(), d.expected(), d.observed()))
            .toList());
  }

  /** One line per difference, for a CI log read at night. */
  public String describe() {
    return differences.stream().map(Difference::toString).collect(Collectors.joining("\n"));
  }
}
