package dev.grpcinterop.harness.run;

import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.contract.ContractTypes;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.topology.Deployment;

import dev.grpcinterop.harness.run.CaseResult.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Network;

/**
 * Every peer started once, on one network, each reachable by its name; and every case run on every
 * client × server pair. Whoever starts it closes it, which stops every container.
 */
public final class InteropMatrix implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InteropMatrix.class);
  /** Cases mostly wait on the network and on paced streams, so more threads than cores pay off. */
  private static final int PARALLELISM = 8;
  /**
   * Every call a case makes carries a deadline, so cases end by themselves; this only bounds the
   * whole run should a library ignore its deadlines.
   */
  private static final Duration RUN_LIMIT = Duration.ofMinutes(20);

  private final List<PeerManifest> peers;
  /** Each peer built from proto/, by language. */
  private final Map<String, PeerContainer> containers = new LinkedHashMap<>();
  /** Each peer built from the released contract; the same container where the contracts agree. */
  private final Map<String, PeerContainer> baselines = new LinkedHashMap<>();
  private final Network network = Network.newNetwork();
  private final Deployment deployment = Deployment.create();
  /** The mTLS instance and the replicas of each server, which only ever serve. */
  private final List<PeerContainer> servingOnly = new ArrayList<>();
  private final KnownFailures knownFailures;
  private final com.google.protobuf.TypeRegistry baselineTypes = ContractTypes.baseline();

  private InteropMatrix(List<PeerManifest> peers) {
    this.peers = peers;
    this.knownFailures = new KnownFailures(peers);
  }

  /**
   * Builds (or reuses) every peer's image and starts its container; and, with a {@code baseline}
   * contract, every peer built from that too, for the version-skew pairs.
   */
  public static InteropMatrix start(Path root, List<PeerManifest> peers, Path baseline) {
    var matrix = new InteropMatrix(peers);
    try {
      for (PeerManifest peer : peers) {
        var image = PeerImage.of(peer, root);
        String name = peer.name();
        var ca = matrix.deployment.ca();
        var container =
            new PeerContainer(image)
                .onNetwork(matrix.network, name, name + "-wrongname")
                .withTls(ca.server(List.of(name, "localhost")), null);
        matrix.containers.put(name, container);
        container.start();
        var mtls =
            new PeerContainer(image, name + "-mtls")
                .onNetwork(matrix.network, name + "-mtls")
                .withTls(ca.server(List.of(name + "-mtls")), ca.certificate());
        matrix.servingOnly.add(mtls);
        mtls.start();
        var keepalive =
            new PeerContainer(image, name + "-keepalive")
                .onNetwork(matrix.network, name + "-keepalive")
                .withEnv("KEEPALIVE_PERMIT_TIME_MS", Long.toString(Deployment.KEEPALIVE_PERMIT_TIME.toMillis()));
        matrix.servingOnly.add(keepalive);
        matrix.deployment.addKeepalive(name, keepalive);
        keepalive.start();
        for (int i = 1; i <= Deployment.REPLICAS; i++) {
          var replica =
              new PeerContainer(image, name + "-replica-" + i)
                  .onNetwork(matrix.network, name + "-replicas", name + "-replica-" + i)
                  .withEnv("SERVER_ID", name + "-replica-" + i);
          matrix.servingOnly.add(replica);
          matrix.deployment.addReplica(name, replica);
          replica.start();
        }
        if (baseline == null || !peer.buildInputs().isEmpty()) {
          // A peer whose image runs what this build made from proto/ (the Java peer's jar) cannot be
          // rebuilt from the baseline here; it takes part in the skew pairs as the current side.
          continue;
        }
        var old = PeerImage.of(peer, root, baseline);
        if (old.resolve().equals(image.resolve())) {
          // Same inputs, same image: the released contract is the current one for this peer.
          matrix.baselines.put(peer.name(), container);
          continue;
        }
        var oldContainer =
            new PeerContainer(old, peer.name() + "@baseline").onNetwork(matrix.network, peer.name() + "-baseline");
        matrix.baselines.put(peer.name(), oldContainer);
        oldContainer.start();
      }
    } catch (RuntimeException failed) {
      matrix.close();
      throw failed;
    }
    return matrix;
  }

  public List<PeerManifest> peers() {
    return peers;
  }

  /** Every client × every server, all built from proto/. */
  public List<Pair> pairs() {
    List<Pair> pairs = new ArrayList<>();
    for (PeerContainer client : containers.values()) {
      for (PeerContainer server : containers.values()) {
        pairs.add(new Pair(client, server, deployment));
      }
    }
    return pairs;
  }

  /**
   * The version-skew pairs: every client built from the released contract against every server
   * built from proto/, and every current client against every released server.
   */
  public List<Pair> skewPairs() {
    List<Pair> pairs = new ArrayList<>();
    for (PeerContainer client : baselines.values()) {
      for (PeerContainer server : containers.values()) {
        pairs.add(new Pair(client, server, baselineLabel(client), server.label(), baselineTypes, deployment));
      }
    }
    for (PeerContainer client : containers.values()) {
      for (PeerContainer server : baselines.values()) {
        pairs.add(new Pair(client, server, client.label(), baselineLabel(server), null, deployment));
      }
    }
    return pairs;
  }

  /** A baseline sharing its container with the current peer still reads as the baseline. */
  private static String baselineLabel(PeerContainer baseline) {
    return baseline.peer() + "@baseline";
  }

  /** Runs every case on every pair given, concurrently, and says how each went. */
  public List<CaseResult> run(List<InteropCase> cases, List<Pair> pairs) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLELISM);
    try {
      List<Future<CaseResult>> pending = new ArrayList<>();
      for (Pair pair : pairs) {
        for (InteropCase interopCase : cases) {
          pending.add(pool.submit(() -> runOne(pair, interopCase)));
        }
      }
      long giveUpAt = System.nanoTime() + RUN_LIMIT.toNanos();
      List<CaseResult> results = new ArrayList<>();
      for (Future<CaseResult> result : pending) {
        try {
          results.add(result.get(Math.max(0, giveUpAt - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          throw new IllegalStateException(
              "the matrix did not finish within " + RUN_LIMIT.toMinutes() + " min: " + e, e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private CaseResult runOne(Pair pair, InteropCase interopCase) {
    String client = pair.clientLabel();
    String server = pair.serverLabel();
    long start = System.nanoTime();
    String failure = null;
    try {
      interopCase.run(pair);
    } catch (AssertionError | Exception e) {
      failure = describe(e);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    var known = knownFailures.match(pair.client().peer(), pair.server().peer(), interopCase.name());
    Verdict verdict;
    String detail;
    if (known.isPresent() && failure != null) {
      verdict = Verdict.KNOWN_FAILURE;
      detail = (known.get().flaky() ? "flaky " : "") + "known failure (" + known.get().source() + ", in docker/" + known.get().peer()
          + "-peer/peer.yaml): " + known.get().reason() + "\n\n" + failure;
    } else if (known.isPresent() && known.get().flaky()) {
      verdict = Verdict.PASSED;
      detail = "passed this time; listed as flaky in docker/" + known.get().peer() + "-peer/peer.yaml: "
          + known.get().reason();
    } else if (known.isPresent()) {
      verdict = Verdict.FAILED;
      detail = "listed as a known failure in docker/" + known.get().peer() + "-peer/peer.yaml ("
          + known.get().source() + ": " + known.get().reason() + "), but it passed: remove that entry"
          + " so that the list stays true.";
    } else if (failure != null) {
      verdict = Verdict.FAILED;
      detail = failure;
    } else {
      verdict = Verdict.PASSED;
      detail = "";
    }
    if (verdict == Verdict.FAILED) {
      log.warn("{} failed: {}", CaseResult.fullName(client, server, interopCase.name()), detail);
    }
    return new CaseResult(client, server, interopCase.name(), interopCase.group(), verdict, millis, detail);
  }

  private static String describe(Throwable failure) {
    if (failure instanceof AssertionError) {
      return failure.getMessage();
    }
    if (failure instanceof io.grpc.StatusRuntimeException status) {
      return "the control service call failed: " + status.getStatus()
          + " (the peer refused or could not carry out the description; see its log)";
    }
    return failure.toString();
  }

  /** Every container's log so far, by peer, for the report. */
  public Map<String, String> logs() {
    Map<String, String> logs = new LinkedHashMap<>();
    for (PeerContainer container : distinctContainers()) {
      logs.put(container.label().replace('@', '-'), container.isRunning() ? container.getLogs() : "(not running)");
    }
    return logs;
  }

  @Override
  public void close() {
    distinctContainers().forEach(PeerContainer::stop);
    network.close();
  }

  private List<PeerContainer> distinctContainers() {
    List<PeerContainer> all = new ArrayList<>(containers.values());
    baselines.values().stream().filter(c -> !all.contains(c)).forEach(all::add);
    all.addAll(servingOnly);
    return all;
  }
}
