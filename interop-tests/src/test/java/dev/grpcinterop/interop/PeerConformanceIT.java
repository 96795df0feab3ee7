package dev.grpcinterop.interop;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.PeerConformance;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  private ExecutorService checking;

  @BeforeAll
  void start() {
    DockerPreflight.requireDocker();
    conformance = new PeerConformance(Repository.root());
    // Every peer's checks at once: each is mostly waiting, for a container to start or stop, or
    // for a refused call's deadline, so one after another would leave the cores idle.
    checking = Executors.newCachedThreadPool();
  }

  @AfterAll
  void stop() {
    if (checking != null) {
      checking.shutdownNow();
    }
    if (conformance != null) {
      conformance.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> everyPeerKeepsTheContract() {
    var peers = Peers.discover(Repository.root());
    Map<String, Future<List<PeerConformance.Check>>> checks = new LinkedHashMap<>();
    peers.forEach(peer -> checks.put(peer.name(), checking.submit(() -> conformance.check(peer))));
    return peers.stream()
        .map(
            peer ->
                dynamicContainer(
                    peer.name(),
                    // Lazy: each peer's results are waited for when JUnit reaches its container.
                    Stream.of(peer)
                        .flatMap(p -> checksOf(checks.get(p.name())).stream())
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

  private static List<PeerConformance.Check> checksOf(Future<List<PeerConformance.Check>> run) {
    try {
      return run.get();
    } catch (ExecutionException failed) {
      throw new IllegalStateException("the checks could not be made", failed.getCause());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the checks", interrupted);
    }
  }
}
