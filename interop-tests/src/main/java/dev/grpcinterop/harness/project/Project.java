package dev.grpcinterop.harness.project;

import dev.grpcinterop.harness.peers.PeerManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user's contract run, as its project file ({@code interop.yaml}) describes it: the protos, the
 * services under test, the servers that implement them, the clients that call them, and the cases.
 * Every path is resolved against the project file's folder; every {@code line} is where the entry
 * is written, for messages about it.
 *
 * @param services the services under test; empty for every service the protos declare
 * @param peerServers whether the servers are the harness's own peers ({@code servers: peers}), as
 *     for the built-in calculator, rather than {@code servers}
 * @param clients the peers whose clients call the servers; empty for every peer
 * @param cases folders (or files) of case files, in the data format of docs/case-files.md
 * @param probes written cases that the transport cases repeat over TLS and mTLS (the first is also
 *     the call that a refused connection is tried with)
 * @param knownFailures incompatibilities the project knows of, as a peer's manifest lists them:
 *     shown with their reason, and failing the run once they pass
 * @param benchmarks a file of performance scenarios on the contract (the format of the harness's
 *     benchmarks/calculator.yaml), for {@code interop-harness.jar bench --project}
 */
public record Project(
    Path file,
    String shownAs,
    String name,
    Protos protos,
    List<Named> services,
    boolean peerServers,
    List<Server> servers,
    List<Named> clients,
    List<Path> cases,
    List<Named> probes,
    Generated generated,
    Optional<Protos> baseline,
    Map<String, MethodSettings> methods,
    List<PeerManifest.KnownFailure> knownFailures,
    Optional<Path> benchmarks) {

  /** The same project with other settings for its generated cases. */
  public Project withGenerated(Generated other) {
    return new Project(
        file,
        shownAs,
        name,
        protos,
        services,
        peerServers,
        servers,
        clients,
        cases,
        probes,
        other,
        baseline,
        methods,
        knownFailures,
        benchmarks);
  }

  /** The folder the project file is in, which its paths are relative to. */
  public Path folder() {
    return file.toAbsolutePath().getParent();
  }

  /** "interop.yaml:12", for a message about what is written there. */
  public String at(int line) {
    return shownAs + ":" + line;
  }

  /** A name the project file gives, with the line it is on. */
  public record Named(String name, int line) {}

  /**
   * Where the .proto files are.
   *
   * @param roots the import roots, as protoc's -I
   * @param files the files to compile, relative to a root; empty for every .proto under the roots
   */
  public record Protos(List<Path> roots, List<String> files, int line) {}

  /**
   * One implementation of the services under test.
   *
   * @param image an image to run as it is, or empty when {@code build} gives a folder
   * @param build a folder with a Dockerfile, its build context
   * @param extraCa where in that build context to put the machine's extra CA certificates
   *     (INTEROP_EXTRA_CA_DIR), for a build behind a TLS-inspecting proxy; empty for nowhere
   */
  public record Server(
      String name,
      Optional<String> image,
      Optional<Path> build,
      String dockerfile,
      Optional<String> extraCa,
      int port,
      Map<String, String> env,
      List<String> args,
      Readiness readiness,
      Provides provides,
      int line) {}

  /**
   * What a server can be started as besides its plain self, for the cases that need it; absent what
   * the project file does not say, and those cases are "not applicable" to the server.
   *
   * @param tls an instance serving TLS with the run's certificate
   * @param mtls an instance serving TLS and requiring client certificates of the run's CA
   */
  public record Provides(Optional<Instance> tls, Optional<Instance> mtls) {
    public static final Provides NOTHING = new Provides(Optional.empty(), Optional.empty());
  }

  /**
   * A second container of a server's image, started with {@code env} added and {@code args} (if
   * given) instead of the server's own. Its certificate is at /tmp/interop-tls/server.pem and
   * /tmp/interop-tls/server.key, the CA its clients' certificates must come from at
   * /tmp/interop-tls/client-ca.pem.
   *
   * @param port where the instance serves TLS
   */
  public record Instance(int port, Map<String, String> env, List<String> args, int line) {}

  /** How the harness knows a server is ready. */
  public enum Readiness {
    /** The standard gRPC health service answers SERVING. */
    HEALTH,
    /**
     * The port accepts connections and a first call gets an answer from a gRPC server, whatever its
     * status (UNIMPLEMENTED for the health check of a server without it).
     */
    PORT
  }

  /** The cases generated from the descriptors: how many per method, and from which seed. */
  public record Generated(long seed, int perMethod) {
    public static final Generated DEFAULT = new Generated(20261201L, 8);
  }

  /**
   * What a method's answers may legitimately differ in, between calls or servers.
   *
   * @param ignoreFields response fields (dotted paths such as "order.id") left out of comparisons
   * @param answersVary whether only the status code is compared, as for a method that answers from
   *     a clock or a random source
   */
  public record MethodSettings(List<String> ignoreFields, boolean answersVary, int line) {
    public static final MethodSettings NONE = new MethodSettings(List.of(), false, 0);
  }
}
