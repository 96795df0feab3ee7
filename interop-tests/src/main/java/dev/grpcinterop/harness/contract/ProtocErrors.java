package dev.grpcinterop.harness.contract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * protoc's errors with each file named by its path on the user's machine: protoc names a file as it
 * was imported ("shop/v1/shop.proto:12:3: ..."), relative to a root the user may not think of.
 * Pure.
 */
final class ProtocErrors {
  private static final Pattern FILE_AT_START =
      Pattern.compile("^(/in/(\\d+)/)?([^:\\s]+\\.proto)(:.*)$");

  private ProtocErrors() {}

  static String explain(String stderr, List<Path> roots) {
    return stderr
        .lines()
        .filter(line -> !line.isBlank())
        .map(line -> explainLine(line, roots))
        .collect(Collectors.joining("\n"));
  }

  private static String explainLine(String line, List<Path> roots) {
    Matcher m = FILE_AT_START.matcher(line);
    if (!m.matches()) {
      return line;
    }
    String relative = m.group(3);
    if (m.group(2) != null) {
      int root = Integer.parseInt(m.group(2));
      if (root < roots.size()) {
        return roots.get(root).resolve(relative) + m.group(4);
      }
      return line;
    }
    for (Path root : roots) {
      if (Files.isRegularFile(root.resolve(relative))) {
        return root.resolve(relative) + m.group(4);
      }
    }
    return line;
  }
}
