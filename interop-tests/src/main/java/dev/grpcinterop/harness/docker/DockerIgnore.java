package dev.grpcinterop.harness.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A build context's {@code .dockerignore}, as {@code docker build} reads it: one pattern per line,
 * {@code #} comments, {@code !} to take a path back, the last matching line deciding; a pattern
 * that matches a folder leaves out everything in it. Patterns are globs ({@code *}, {@code ?},
 * {@code **}), matched against paths relative to the context.
 */
final class DockerIgnore implements Predicate<String> {
  private record Rule(PathMatcher matcher, boolean exclude) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  /** The rules of {@code context}/.dockerignore; none when there is no such file. */
  static DockerIgnore of(Path context) {
    Path file = context.resolve(".dockerignore");
    if (!Files.isRegularFile(file)) {
      return new DockerIgnore(List.of());
    }
    try {
      return parse(Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static DockerIgnore parse(List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    for (String line : lines) {
      String pattern = line.strip();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      boolean exclude = !pattern.startsWith("!");
      pattern = exclude ? pattern : pattern.substring(1).strip();
      while (pattern.startsWith("/") || pattern.startsWith("./")) {
        pattern = pattern.substring(pattern.startsWith("/") ? 1 : 2);
      }
      if (pattern.endsWith("/")) {
        pattern = pattern.substring(0, pattern.length() - 1);
      }
      rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + pattern), exclude));
    }
    return new DockerIgnore(rules);
  }

  /** Whether the file at {@code relative} ("servers/node/server.js") is left out of the context. */
  @Override
  public boolean test(String relative) {
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesItOrAFolderOfIt(rule.matcher(), relative)) {
        excluded = rule.exclude();
      }
    }
    return excluded;
  }

  private static boolean matchesItOrAFolderOfIt(PathMatcher matcher, String relative) {
    Path path = Path.of(relative);
    for (int i = 1; i <= path.getNameCount(); i++) {
      if (matcher.matches(path.subpath(0, i))) {
        return true;
      }
    }
    return false;
  }
}
