package dev.grpcinterop.harness.peers;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code docker/<name>-peer/peer.yaml} declares about a peer: its name in the matrix, what its
 * image needs beyond its folder and {@code proto/}, and the cases it is known to fail, each with a
 * reason. A folder without a manifest is a peer with none of these.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record PeerManifest(
    String name,
    String displayName,
    Map<String, String> buildInputs,
    Map<String, String> buildArgs,
    List<KnownFailure> knownFailures) {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public PeerManifest {
    buildInputs = buildInputs == null ? Map.of() : Map.copyOf(buildInputs);
    buildArgs = buildArgs == null ? Map.of() : Map.copyOf(buildArgs);
    knownFailures = knownFailures == null ? List.of() : List.copyOf(knownFailures);
  }

  /**
   * A case this peer is known to fail: {@code pattern} matches "client → server :: case" names,
   * with {@code *} for any run of characters; {@code reason} says why, with a link to the library's
   * issue where there is one. A {@code flaky} one fails only some of the time (a race in a
   * library), so it may pass without failing the run; any other known failure that passes fails the
   * run.
   */
  public record KnownFailure(String pattern, String reason, boolean flaky) {}

  static PeerManifest read(String folderName, Path folder) {
    String defaultName = folderName.substring(0, folderName.length() - "-peer".length());
    Path file = folder.resolve("peer.yaml");
    if (!Files.exists(file)) {
      return new PeerManifest(defaultName, defaultName, null, null, null);
    }
    PeerManifest read;
    try {
      read = YAML.readValue(file.toFile(), PeerManifest.class);
    } catch (IOException malformed) {
      throw new IllegalStateException(
          file
              + " is not a valid peer manifest: "
              + malformed.getMessage()
              + "; see docs/adding-a-peer.md for its fields.",
          malformed);
    }
    if (read == null) {
      return new PeerManifest(defaultName, defaultName, null, null, null);
    }
    if (read.name() != null && !read.name().equals(defaultName)) {
      throw new IllegalStateException(
          file
              + " names the peer \""
              + read.name()
              + "\", but its folder makes it \""
              + defaultName
              + "\"; rename one so that they agree.");
    }
    for (KnownFailure known : read.knownFailures()) {
      if (known.pattern() == null || known.reason() == null || known.reason().isBlank()) {
        throw new IllegalStateException(
            file
                + ": every known failure needs a pattern and a reason, and "
                + known
                + " lacks one.");
      }
    }
    return new PeerManifest(
        defaultName,
        read.displayName() == null ? defaultName : read.displayName(),
        read.buildInputs(),
        read.buildArgs(),
        read.knownFailures());
  }
}
