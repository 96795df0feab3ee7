package dev.grpcinterop.harness.docker;

import dev.grpcinterop.harness.peers.PeerManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's image, built from its folder with the repository root as build context, so that it can
 * copy {@code proto/} and never a copy of it. The tag is a hash of every input, so an image whose
 * inputs did not change is reused, never rebuilt.
 */
public final class PeerImage {
  private static final Logger log = LoggerFactory.getLogger(PeerImage.class);

  private final String peer;
  private final Path root;
  private final SortedMap<String, Path> inputs = new TreeMap<>();
  private final SortedMap<String, String> buildArgs = new TreeMap<>();
  private String resolved;

  private PeerImage(String peer, Path root) {
    this.peer = peer;
    this.root = root;
  }

  /**
   * The image a peer's manifest describes: its folder, proto/, the extra CAs, and its own inputs.
   */
  public static PeerImage of(PeerManifest manifest, Path root) {
    return of(manifest, root, root.resolve("proto"));
  }

  /**
   * The same peer built from another version of the contract, such as proto-baseline/; the control
   * contract, proto/interop/, stays the current one, which the peer's own code is written against.
   */
  public static PeerImage of(PeerManifest manifest, Path root, Path proto) {
    var image = of(manifest.name(), root);
    image.withInput("proto", proto);
    if (!proto.equals(root.resolve("proto"))) {
      image.withInput("proto/interop", root.resolve("proto/interop"));
    }
    manifest
        .buildInputs()
        .forEach((contextPath, source) -> image.withInput(contextPath, root.resolve(source)));
    manifest.buildArgs().forEach(image::withBuildArg);
    return image;
  }

  /**
   * The image of {@code docker/<peer>-peer/}, with {@code proto/} and the extra CA certificates
   * ({@code INTEROP_EXTRA_CA_DIR}, or {@code docker/extra-ca/}) as further inputs.
   */
  public static PeerImage of(String peer, Path root) {
    var image = new PeerImage(peer, root);
    image.withInput(folder(peer), root.resolve(folder(peer)));
    image.withInput("proto", root.resolve("proto"));
    String extraCa = System.getenv("INTEROP_EXTRA_CA_DIR");
    image.withInput(
        "docker/extra-ca",
        extraCa == null || extraCa.isBlank() ? root.resolve("docker/extra-ca") : Path.of(extraCa));
    return image;
  }

  static String folder(String peer) {
    return "docker/" + peer + "-peer";
  }

  public String peer() {
    return peer;
  }

  /** Adds a file or folder of the build context, at {@code contextPath}. */
  public PeerImage withInput(String contextPath, Path source) {
    if (!Files.exists(source)) {
      throw new IllegalStateException(
          "The "
              + peer
              + " peer's image needs "
              + source
              + ", which does not exist"
              + (source.toString().endsWith(".jar")
                  ? "; build it first with ./mvnw package."
                  : "."));
    }
    inputs.put(contextPath, source);
    resolved = null;
    return this;
  }

  public PeerImage withBuildArg(String name, String value) {
    buildArgs.put(name, value);
    resolved = null;
    return this;
  }

  /** The image's name, building it first unless an image of the same inputs already exists. */
  public synchronized String resolve() {
    if (resolved != null) {
      return resolved;
    }
    SortedMap<String, Path> files = contextFiles();
    String name = "grpc-interop/" + peer + "-peer:" + ImageInputs.hash(files, buildArgs);
    if (ImageInputs.imageExists(name)) {
      log.info("{} peer: reusing image {}", peer, name);
    } else {
      log.info("{} peer: building image {} from {} files", peer, name, files.size());
      long start = System.nanoTime();
      new ImageBuild(
              peer + " peer's image",
              "build." + peer + "-image",
              name,
              folder(peer) + "/Dockerfile",
              files,
              buildArgs)
          .run();
      log.info(
          "{} peer: built {} in {} s", peer, name, (System.nanoTime() - start) / 1_000_000_000);
    }
    resolved = name;
    return name;
  }

  private SortedMap<String, Path> contextFiles() {
    SortedMap<String, Path> files = new TreeMap<>();
    // Of the contract's folders, only the .proto files: buf.yaml and the like are no peer's input,
    // and a baseline without them still makes the same image.
    inputs.forEach(
        (contextPath, source) ->
            ImageInputs.add(
                files,
                contextPath,
                source,
                file -> !isContract(contextPath) || file.toString().endsWith(".proto")));
    return files;
  }

  private static boolean isContract(String contextPath) {
    return contextPath.equals("proto") || contextPath.startsWith("proto/");
  }
}
