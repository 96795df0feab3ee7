package dev.grpcinterop.harness.project;

import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.project.Project.Generated;
import dev.grpcinterop.harness.project.Project.Instance;
import dev.grpcinterop.harness.project.Project.MethodSettings;
import dev.grpcinterop.harness.project.Project.Named;
import dev.grpcinterop.harness.project.Project.Protos;
import dev.grpcinterop.harness.project.Project.Provides;
import dev.grpcinterop.harness.project.Project.Readiness;
import dev.grpcinterop.harness.project.Project.Server;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a project file (docs/your-own-contract.md). What can be checked without Docker and without
 * compiling the protos is checked here: keys, shapes, that every named file and folder exists. What
 * needs the compiled contract (services and methods) is checked by {@link ProjectCheck}.
 */
public final class ProjectFile {
  private static final Set<String> TOP =
      new LinkedHashSet<>(
          List.of(
              "name",
              "protos",
              "services",
              "servers",
              "clients",
              "cases",
              "probes",
              "generated",
              "baseline",
              "methods",
              "knownFailures",
              "benchmarks"));
  private static final Set<String> KNOWN =
      new LinkedHashSet<>(List.of("pattern", "reason", "flaky"));
  private static final Set<String> PROTOS = new LinkedHashSet<>(List.of("roots", "files"));
  private static final Set<String> SERVER =
      new LinkedHashSet<>(
          List.of(
              "name",
              "image",
              "build",
              "dockerfile",
              "extraCa",
              "port",
              "env",
              "args",
              "readiness",
              "provides"));
  private static final Set<String> PROVIDES = new LinkedHashSet<>(List.of("tls", "mtls"));
  private static final Set<String> INSTANCE = new LinkedHashSet<>(List.of("port", "env", "args"));
  private static final Set<String> GENERATED = new LinkedHashSet<>(List.of("seed", "perMethod"));
  private static final Set<String> METHOD =
      new LinkedHashSet<>(List.of("ignoreFields", "answersVary"));

  /** How messages name the file as a whole; its keys are named by themselves ("servers[1]"). */
  static final String WHOLE = "the project file";

  /** Server names become host names on the run's network. */
  private static final Pattern SERVER_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z_][\\w.]*/[A-Za-z_]\\w*");

  private final String shown;
  private final Path folder;

  private ProjectFile(String shown, Path folder) {
    this.shown = shown;
    this.folder = folder;
  }

  /** The project file at {@code file}, named in messages as it was given. */
  public static Project read(Path file) {
    return read(file, file.toString());
  }

  /** The project file at {@code file}, named {@code shown} in messages. */
  public static Project read(Path file, String shown) {
    if (!Files.isRegularFile(file)) {
      throw new ProjectFileException(
          file
              + " does not exist or is not a file; give the path of your project file (interop.yaml),"
              + " as docs/your-own-contract.md describes.");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ProjectFileException(file + " cannot be read: " + e.getMessage() + ".");
    }
    return parse(file, shown, text);
  }

  /**
   * The project in {@code text}, read as if it were the file {@code file} (its paths relative to
   * that file's folder), and called {@code shown} in messages.
   */
  public static Project parse(Path file, String shown, String text) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException malformed) {
      int line = malformed.getProblemMark() == null ? 1 : malformed.getProblemMark().getLine() + 1;
      throw new ProjectFileException(
          shown + ":" + line + ": not valid YAML: " + malformed.getProblem() + ".");
    } catch (RuntimeException malformed) {
      throw new ProjectFileException(shown + ": not valid YAML: " + malformed.getMessage() + ".");
    }
    if (root == null) {
      throw new ProjectFileException(
          shown + ": the project file is empty; it needs at least \"protos\" and \"servers\".");
    }
    return new ProjectFile(shown, file.toAbsolutePath().getParent())
        .project(file, new YamlNode(shown, WHOLE, root));
  }

  private Project project(Path file, YamlNode root) {
    Map<String, YamlNode> top = root.mapping(TOP);
    for (String required : List.of("protos", "servers")) {
      if (!top.containsKey(required)) {
        throw root.fail(
            "the project file has no \""
                + required
                + "\"; "
                + (required.equals("protos")
                    ? "say where your .proto files are, e.g. protos: {roots: [proto]}."
                    : "list the servers under test, e.g. servers: [{name: api, build: server, port: 50051}].")
                + "");
      }
    }
    String name =
        top.containsKey("name")
            ? top.get("name").string()
            : Optional.ofNullable(folder.getFileName()).map(Path::toString).orElse("project");
    Protos protos = protos(top.get("protos"));
    List<Named> services = named(top.get("services"));
    // "servers: peers": the harness's own peers serve the contract (the built-in calculator).
    YamlNode serversNode = top.get("servers");
    boolean peerServers = serversNode.isScalar() && serversNode.string().equals("peers");
    List<Server> servers = peerServers ? List.of() : servers(serversNode);
    List<Named> clients = named(top.get("clients"));
    List<Path> cases = new ArrayList<>();
    if (top.containsKey("cases")) {
      for (YamlNode entry : listOf(top.get("cases"))) {
        cases.add(existing(entry, "case files"));
      }
    }
    List<Named> probes = named(top.get("probes"));
    Generated generated = Generated.DEFAULT;
    if (top.containsKey("generated")) {
      Map<String, YamlNode> g = top.get("generated").mapping(GENERATED);
      long seed = g.containsKey("seed") ? g.get("seed").number() : Generated.DEFAULT.seed();
      long perMethod =
          g.containsKey("perMethod") ? g.get("perMethod").number() : Generated.DEFAULT.perMethod();
      if (perMethod < 0 || perMethod > 1000) {
        throw g.get("perMethod")
            .fail("generated.perMethod must be between 0 and 1000; it is " + perMethod + ".");
      }
      generated = new Generated(seed, (int) perMethod);
    }
    Optional<Protos> baseline =
        top.containsKey("baseline") ? Optional.of(protos(top.get("baseline"))) : Optional.empty();
    Map<String, MethodSettings> methods = new LinkedHashMap<>();
    if (top.containsKey("methods")) {
      top.get("methods")
          .entries()
          .forEach((method, node) -> methods.put(method, method(method, node)));
    }
    List<PeerManifest.KnownFailure> known = new ArrayList<>();
    if (top.containsKey("knownFailures")) {
      for (YamlNode entry : top.get("knownFailures").list()) {
        Map<String, YamlNode> e = entry.mapping(KNOWN);
        if (!e.containsKey("pattern") || !e.containsKey("reason")) {
          throw entry.fail(
              "a known failure needs a \"pattern\" (\"client → server :: case\", * for any run of"
                  + " characters) and a \"reason\", with the upstream issue where there is one.");
        }
        known.add(
            new PeerManifest.KnownFailure(
                e.get("pattern").string(),
                e.get("reason").string(),
                e.containsKey("flaky") && e.get("flaky").bool()));
      }
    }
    // The performance matrix's scenarios on this contract (interop-harness.jar bench --project).
    Optional<Path> benchmarks =
        top.containsKey("benchmarks")
            ? Optional.of(existing(top.get("benchmarks"), "benchmark scenario file"))
            : Optional.empty();
    return new Project(
        file,
        shown,
        name,
        protos,
        services,
        peerServers,
        servers,
        clients,
        cases,
        probes,
        generated,
        baseline,
        methods,
        known,
        benchmarks);
  }

  private Protos protos(YamlNode node) {
    Map<String, YamlNode> entries = node.mapping(PROTOS);
    if (!entries.containsKey("roots")) {
      throw node.fail(
          node.what()
              + " needs \"roots\": the folders your imports are relative to, as protoc's -I.");
    }
    List<Path> roots = new ArrayList<>();
    for (YamlNode root : listOf(entries.get("roots"))) {
      Path path = existing(root, "proto root");
      if (!Files.isDirectory(path)) {
        throw root.fail(root.string() + " is a file; a proto root is a folder.");
      }
      roots.add(path);
    }
    List<String> files = new ArrayList<>();
    if (entries.containsKey("files")) {
      for (YamlNode entry : listOf(entries.get("files"))) {
        String relative = entry.string();
        if (roots.stream().noneMatch(r -> Files.isRegularFile(r.resolve(relative)))) {
          throw entry.fail(
              relative
                  + " is in none of the proto roots ("
                  + String.join(", ", entries.get("roots").strings())
                  + "); files are named relative to a root, as in import statements.");
        }
        files.add(relative);
      }
    }
    return new Protos(roots, files, node.line());
  }

  private List<Server> servers(YamlNode node) {
    List<YamlNode> items = node.list();
    if (items.isEmpty()) {
      throw node.fail("\"servers\" is empty; list at least one server under test.");
    }
    List<Server> servers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlNode item : items) {
      Server server = server(item);
      if (!names.add(server.name())) {
        throw item.fail("two servers are named " + server.name() + "; give each its own name.");
      }
      servers.add(server);
    }
    return servers;
  }

  private Server server(YamlNode node) {
    Map<String, YamlNode> e = node.mapping(SERVER);
    if (!e.containsKey("name")) {
      throw node.fail("a server needs a \"name\", which the report shows and clients dial.");
    }
    String name = e.get("name").string();
    if (!SERVER_NAME.matcher(name).matches()) {
      throw e.get("name")
          .fail(
              "server name \""
                  + name
                  + "\" is not a host name; use lower-case letters, digits and '-', as clients dial"
                  + " it by that name.");
    }
    if (e.containsKey("image") == e.containsKey("build")) {
      throw node.fail(
          "server "
              + name
              + " needs exactly one of \"image\" (an image to run) and \"build\" (a folder with a"
              + " Dockerfile).");
    }
    Optional<Path> build = Optional.empty();
    String dockerfile = e.containsKey("dockerfile") ? e.get("dockerfile").string() : "Dockerfile";
    if (e.containsKey("build")) {
      Path folder = existing(e.get("build"), "server build folder");
      if (!Files.isRegularFile(folder.resolve(dockerfile))) {
        throw e.getOrDefault("dockerfile", e.get("build"))
            .fail(
                folder
                    + " has no "
                    + dockerfile
                    + "; a server's build folder holds the Dockerfile that builds its image.");
      }
      build = Optional.of(folder);
    }
    if (!e.containsKey("port")) {
      throw node.fail("server " + name + " needs the \"port\" it serves gRPC on.");
    }
    int port = port(e.get("port"));
    Map<String, String> env = env(e.get("env"));
    List<String> args = e.containsKey("args") ? e.get("args").strings() : List.of();
    Readiness readiness = Readiness.HEALTH;
    if (e.containsKey("readiness")) {
      String word = e.get("readiness").string();
      readiness =
          switch (word) {
            case "health" -> Readiness.HEALTH;
            case "port" -> Readiness.PORT;
            default ->
                throw e.get("readiness")
                    .fail(
                        "readiness must be \"health\" (the server serves grpc.health.v1) or \"port\""
                            + " (it accepts connections); it is \""
                            + word
                            + "\".");
          };
    }
    Optional<String> extraCa =
        e.containsKey("extraCa") ? Optional.of(e.get("extraCa").string()) : Optional.empty();
    if (extraCa.isPresent() && build.isEmpty()) {
      throw e.get("extraCa").fail("extraCa goes with \"build\": it is a path in the build folder.");
    }
    if (extraCa.isPresent() && !Files.isDirectory(build.get().resolve(extraCa.get()))) {
      throw e.get("extraCa")
          .fail(
              "extraCa "
                  + extraCa.get()
                  + " is no folder of the build folder "
                  + build.get()
                  + "; create it (a README in it keeps it in git), and have the Dockerfile COPY it"
                  + " to /usr/local/share/ca-certificates/ and run update-ca-certificates.");
    }
    Optional<String> image =
        e.containsKey("image") ? Optional.of(e.get("image").string()) : Optional.empty();
    Provides provides = Provides.NOTHING;
    if (e.containsKey("provides")) {
      Map<String, YamlNode> p = e.get("provides").mapping(PROVIDES);
      provides =
          new Provides(
              Optional.ofNullable(p.get("tls")).map(t -> instance(name, "tls", t)),
              Optional.ofNullable(p.get("mtls")).map(t -> instance(name, "mtls", t)));
    }
    return new Server(
        name, image, build, dockerfile, extraCa, port, env, args, readiness, provides, node.line());
  }

  private Instance instance(String server, String what, YamlNode node) {
    Map<String, YamlNode> e = node.mapping(INSTANCE);
    if (!e.containsKey("port")) {
      throw node.fail(
          "provides."
              + what
              + " of server "
              + server
              + " needs the \"port\" where that instance serves TLS, with the certificate the"
              + " harness puts at /tmp/interop-tls/server.pem and server.key.");
    }
    return new Instance(
        port(e.get("port")),
        env(e.get("env")),
        e.containsKey("args") ? e.get("args").strings() : List.of(),
        node.line());
  }

  private static int port(YamlNode node) {
    long port = node.number();
    if (port < 1 || port > 65535) {
      throw node.fail("port must be between 1 and 65535; it is " + port + ".");
    }
    return (int) port;
  }

  private static Map<String, String> env(YamlNode node) {
    Map<String, String> env = new LinkedHashMap<>();
    if (node != null) {
      node.entries().forEach((key, value) -> env.put(key, value.string()));
    }
    return env;
  }

  private MethodSettings method(String method, YamlNode node) {
    if (!METHOD_NAME.matcher(method).matches()) {
      throw node.fail(
          "\""
              + method
              + "\" is not a method name; write package.Service/Method, e.g."
              + " shop.v1.ShopService/PlaceOrder.");
    }
    Map<String, YamlNode> e = node.mapping(METHOD);
    List<String> ignore =
        e.containsKey("ignoreFields") ? e.get("ignoreFields").strings() : List.of();
    boolean vary = e.containsKey("answersVary") && e.get("answersVary").bool();
    return new MethodSettings(ignore, vary, node.line());
  }

  private static List<Named> named(YamlNode node) {
    if (node == null) {
      return List.of();
    }
    return listOf(node).stream().map(n -> new Named(n.string(), n.line())).toList();
  }

  private static List<YamlNode> listOf(YamlNode node) {
    try {
      return node.list();
    } catch (ProjectFileException notAList) {
      // One value where a list is expected reads as a list of one.
      node.string();
      return List.of(node);
    }
  }

  private Path existing(YamlNode node, String what) {
    String written = node.string();
    Path path = folder.resolve(written).normalize();
    if (!Files.exists(path)) {
      throw node.fail(
          what
              + " "
              + written
              + " does not exist (paths are relative to the project file's folder, "
              + folder
              + ").");
    }
    return path;
  }
}
