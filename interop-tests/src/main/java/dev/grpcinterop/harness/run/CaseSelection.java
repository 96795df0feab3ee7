package dev.grpcinterop.harness.run;

import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.generated.GeneratedCase;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The cases a run makes: all of them, or those {@code -Dinterop.cases=tls_*,keepalive_*} names, in
 * the glob form of the known-failure patterns. For working on one feature or one new peer; CI runs
 * everything.
 */
public final class CaseSelection {
  private CaseSelection() {}

  /** The selected cases of the catalog; a pattern that matches none of them is an error. */
  public static List<InteropCase> fromSystemProperty(List<InteropCase> all) {
    return fromSystemProperty(all, List.of());
  }

  /**
   * The same, where a pattern may also match one of {@code otherNames}: the cases a run makes
   * besides the catalog's (generated ones, the unseen contract's).
   */
  public static List<InteropCase> fromSystemProperty(
      List<InteropCase> all, List<String> otherNames) {
    return select(all, otherNames, System.getProperty("interop.cases", ""), true);
  }

  /** The generated cases -Dinterop.cases selects, by name ("generated_*"). */
  public static List<GeneratedCase> amongGenerated(List<GeneratedCase> generated) {
    return generated.stream().filter(c -> selectsByName(c.name())).toList();
  }

  /** Whether -Dinterop.cases selects a case of this name (it does when it names nothing). */
  public static boolean selectsByName(String name) {
    List<String> globs = globs(System.getProperty("interop.cases", ""));
    return globs.isEmpty()
        || globs.stream().anyMatch(g -> KnownFailures.glob(g).matcher(name).matches());
  }

  private static List<String> globs(String selection) {
    return Arrays.stream(selection.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static List<InteropCase> select(List<InteropCase> all, String selection, boolean strict) {
    return select(all, List.of(), selection, strict);
  }

  static List<InteropCase> select(
      List<InteropCase> all, List<String> otherNames, String selection, boolean strict) {
    List<String> globs = globs(selection);
    if (globs.isEmpty()) {
      return all;
    }
    List<Pattern> patterns = globs.stream().map(KnownFailures::glob).toList();
    for (int i = 0; strict && i < globs.size(); i++) {
      Pattern pattern = patterns.get(i);
      if (all.stream().noneMatch(c -> pattern.matcher(c.name()).matches())
          && otherNames.stream().noneMatch(n -> pattern.matcher(n).matches())) {
        throw new IllegalArgumentException(
            "-Dinterop.cases names \""
                + globs.get(i)
                + "\", which matches no case; the cases are "
                + all.stream().map(InteropCase::name).toList()
                + " (\"*\" matches any run of characters).");
      }
    }
    return all.stream()
        .filter(c -> patterns.stream().anyMatch(p -> p.matcher(c.name()).matches()))
        .toList();
  }
}
