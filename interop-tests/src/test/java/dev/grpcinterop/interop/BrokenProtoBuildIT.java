package dev.grpcinterop.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.docker.ImageBuildException;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.peers.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A proto a peer cannot compile fails the suite with the compiler's own words, not a time-out. */
class BrokenProtoBuildIT {
  @BeforeAll
  static void requireDocker() {
    DockerPreflight.requireDocker();
  }

  @Test
  void pythonPeerBuildReportsProtocError(@TempDir Path checkout) throws IOException {
    copy(Repository.root().resolve("docker/python-peer"), checkout.resolve("docker/python-peer"));
    copy(Repository.root().resolve("docker/extra-ca"), checkout.resolve("docker/extra-ca"));
    Path proto = checkout.resolve("proto/calculator/v1/calculator.proto");
    Files.createDirectories(proto.getParent());
    Files.writeString(
        proto, "syntax = \"proto3\";\npackage calculator.v1;\nmessage Broken { int64 = 1; }\n");

    var failure =
        catchThrowableOfType(
            ImageBuildException.class, () -> PeerImage.of("python", checkout).resolve());

    assertThat(failure).as("building the python peer from a broken proto").isNotNull();
    assertThat(failure.getMessage())
        .contains("python peer's image did not build")
        .contains("calculator/v1/calculator.proto:3:")
        .contains("Expected field name");
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
