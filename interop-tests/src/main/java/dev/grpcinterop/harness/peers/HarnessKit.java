package dev.grpcinterop.harness.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The harness's sources inside its jar ({@value #PREFIX}): the build copies proto/, docker/ and the
 * Java peer's jar there, so that a user's build, which has nothing of this repository, still builds
 * every peer's image. Images are tagged by a hash of their inputs, so the same sources give the
 * same images wherever they are unpacked.
 */
final class HarnessKit {
  static final String PREFIX = "grpc-interop-kit/";

  private HarnessKit() {}

  /** The kit of {@code jar}, unpacked into a fresh folder that is deleted when the JVM exits. */
  static Path unpack(Path jar) throws IOException {
    Path target = Files.createTempDirectory("grpc-interop-kit-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(target)));
    int files = 0;
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : java.util.Collections.list(file.entries())) {
        if (!entry.getName().startsWith(PREFIX) || entry.isDirectory()) {
          continue;
        }
        Path out = target.resolve(entry.getName().substring(PREFIX.length())).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("the entry " + entry.getName() + " points outside the kit");
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, out);
        }
        files++;
      }
    }
    if (files == 0) {
      throw new IOException(
          jar + " holds no " + PREFIX + "; it is not the harness's jar, or was built without it");
    }
    return target;
  }

  private static void delete(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary folder left behind is the operating system's to clean.
    }
  }
}
