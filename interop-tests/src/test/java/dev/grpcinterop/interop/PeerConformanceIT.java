package dev.grpcinterop.interop;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.PeerConformance;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.AssertionFailedError;

/**
 * The self-test's contract checks (scripts/self-test), on every peer the suite finds: what the
 * matrix takes for granted, such as a clean exit on SIGTERM, stays true of every language.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerConformanceIT {
  private PeerConformance conformance;

  @BeforeAll
  void start() {
    DockerPreflight.requireDocker();
    conformance = new PeerConformance(Repository.root());
  }

  @AfterAll
  void stop() {
    if (conformance != null) {
      conformance.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> everyPeerKeepsTheContract() {
    return Peers.discover(Repository.root()).stream()
        .map(
            peer ->
                dynamicContainer(
                    peer.name(),
                    // Lazy: each peer's checks run when JUnit reaches its container.
                    Stream.of(peer)
                        .flatMap(p -> conformance.check(p).stream())
                        .map(
                            check ->
                                dynamicTest(
                                    check.name(),
                                    () -> {
                                      if (!check.passed()) {
                                        throw new AssertionFailedError(
                                            peer.name()
                                                + ": "
                                                + check.name()
                                                + " failed (docs/peer-contract.md, "
                                                + check.contract()
                                                + "):\n"
                                                + check.detail());
                                      }
                                    }))));
  }
}
