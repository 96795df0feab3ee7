package dev.grpcinterop.harness.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The peers of the matrix: every {@code docker/<name>-peer/} folder with a Dockerfile, found, never
 * listed in Java. {@code -Dinterop.peers=java,python} picks a subset.
 */
public final class Peers {
  private Peers() {}

  public static List<PeerManifest> discover(Path root) {
    return select(discoverAll(root), System.getProperty("interop.peers", ""));
  }

  /** One peer by name, whatever -Dinterop.peers selects. */
  public static PeerManifest named(Path root, String name) {
    return select(discoverAll(root), name).get(0);
  }

  static List<PeerManifest> discoverAll(Path root) {
    try (Stream<Path> folders = Files.list(root.resolve("docker"))) {
      return folders
          .filter(folder -> folder.getFileName().toString().endsWith("-peer"))
          .filter(folder -> Files.isRegularFile(folder.resolve("Dockerfile")))
          .sorted(Peers::javaFirst)
          .map(folder -> PeerManifest.read(folder.getFileName().toString(), folder))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the peers in " + root.resolve("docker"), e);
    }
  }

  /** Java first, as the reference side; then by name, so the matrix reads the same everywhere. */
  private static int javaFirst(Path a, Path b) {
    boolean aJava = a.getFileName().toString().equals("java-peer");
    boolean bJava = b.getFileName().toString().equals("java-peer");
    return aJava != bJava ? (aJava ? -1 : 1) : a.getFileName().compareTo(b.getFileName());
  }

  static List<PeerManifest> select(List<PeerManifest> all, String selection) {
    if (selection.isBlank()) {
      return all;
    }
    Set<String> wanted = new LinkedHashSet<>();
    Arrays.stream(selection.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(wanted::add);
    List<String> known = all.stream().map(PeerManifest::name).toList();
    for (String name : wanted) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "-Dinterop.peers names \""
                + name
                + "\", but the peers are "
                + known
                + " (one per docker/<name>-peer/ folder).");
      }
    }
    return all.stream().filter(peer -> wanted.contains(peer.name())).toList();
  }
}
