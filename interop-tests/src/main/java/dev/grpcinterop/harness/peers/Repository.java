package dev.grpcinterop.harness.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the harness's own sources are — proto/, docker/ (the peers and the protoc tool) and the
 * Java peer's jar — for image builds: the checkout the harness runs from, or, when it runs from its
 * jar (in a user's build, or as {@code java -jar}), the kit packaged inside that jar.
 */
public final class Repository {
  private static Path kit;

  private Repository() {}

  /**
   * The root Maven passes as {@code interop.root}; else the checkout whose classes are running;
   * else the kit of the running jar, unpacked.
   */
  public static Path root() {
    String configured = System.getProperty("interop.root");
    if (configured != null && !configured.isBlank()) {
      Path root = Path.of(configured).toAbsolutePath();
      if (!isHarness(root)) {
        throw new IllegalStateException(
            "-Dinterop.root="
                + configured
                + " is not a checkout of the harness (it needs proto/interop/ and docker/protoc/);"
                + " point it at one, or leave it out to use the sources packaged in the harness's jar.");
      }
      return root;
    }
    Path running = runningFrom();
    if (Files.isDirectory(running)) {
      for (Path dir = running; dir != null; dir = dir.getParent()) {
        if (isHarness(dir)) {
          return dir;
        }
      }
      throw new IllegalStateException(
          "cannot find the harness's checkout above "
              + running
              + "; run it through Maven, or set -Dinterop.root=/path/to/the/checkout.");
    }
    return unpackedKit(running);
  }

  private static boolean isHarness(Path dir) {
    return Files.isDirectory(dir.resolve("proto/interop"))
        && Files.isRegularFile(dir.resolve("docker/protoc/Dockerfile"));
  }

  private static Path runningFrom() {
    try {
      return Path.of(Repository.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot tell where the harness runs from", e);
    }
  }

  private static synchronized Path unpackedKit(Path jar) {
    if (kit == null) {
      try {
        kit = HarnessKit.unpack(jar);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot unpack the harness's sources from " + jar + ": " + e.getMessage(), e);
      }
    }
    return kit;
  }
}
