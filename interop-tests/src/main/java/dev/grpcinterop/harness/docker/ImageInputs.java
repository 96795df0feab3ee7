package dev.grpcinterop.harness.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;

/**
 * What an image is built from — the files of its build context and its build arguments — and the
 * hash of them that tags it, so that an image whose inputs did not change is reused, never rebuilt.
 */
public final class ImageInputs {
  /** Local state that must never reach a build context, nor change an image's hash. */
  private static final Set<String> SKIPPED =
      Set.of(".git", "target", "node_modules", "__pycache__", ".venv");

  private ImageInputs() {}

  /**
   * Adds {@code source} (a file, or a folder's files that {@code keep} accepts) to {@code files} at
   * {@code contextPath}.
   */
  static void add(
      SortedMap<String, Path> files, String contextPath, Path source, Predicate<Path> keep) {
    if (Files.isRegularFile(source)) {
      files.put(contextPath, source);
      return;
    }
    String prefix = contextPath.isEmpty() ? "" : contextPath + "/";
    try (Stream<Path> walk = Files.walk(source)) {
      walk.filter(Files::isRegularFile)
          .filter(file -> !skipped(source.relativize(file)))
          .filter(keep)
          .forEach(file -> files.put(prefix + source.relativize(file), file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source, e);
    }
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative) {
      if (SKIPPED.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  /** 16 hex digits of a SHA-256 over every file's path and bytes, and every build argument. */
  public static String hash(SortedMap<String, Path> files, SortedMap<String, String> buildArgs) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, Path> file : files.entrySet()) {
        digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Files.readAllBytes(file.getValue()));
      }
      buildArgs.forEach(
          (name, value) ->
              digest.update((name + "=" + value + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean imageExists(String name) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(name).exec();
      return true;
    } catch (com.github.dockerjava.api.exception.NotFoundException absent) {
      return false;
    }
  }
}
