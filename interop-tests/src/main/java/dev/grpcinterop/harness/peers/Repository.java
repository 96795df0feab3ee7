package dev.grpcinterop.harness.peers;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's proto/, docker/ and java-service/ are, for image builds. */
public final class Repository {
  private Repository() {}

  /** The root Maven passes as {@code interop.root}, or the nearest folder above with proto/. */
  public static Path root() {
    String configured = System.getProperty("interop.root");
    Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("proto")) && Files.isDirectory(dir.resolve("docker"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (a folder with proto/ and docker/) from "
            + start
            + "; run the suite through Maven, or set -Dinterop.root=/path/to/repository.");
  }
}
