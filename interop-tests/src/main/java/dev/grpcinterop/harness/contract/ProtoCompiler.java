package dev.grpcinterop.harness.contract;

import dev.grpcinterop.harness.docker.FolderImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * Compiles .proto files into a {@link Contract} with protoc, run in the harness's protoc image
 * ({@code docker/protoc/}), so that nothing but Docker is needed on the machine. The well-known
 * types and google/rpc are importable as everywhere in gRPC.
 */
public final class ProtoCompiler {
  private static final Duration COMPILE_LIMIT = Duration.ofSeconds(120);
  static final List<String> GOOGLE_RPC =
      List.of("google/rpc/status.proto", "google/rpc/error_details.proto", "google/rpc/code.proto");
  private static final String OK = "COMPILED";

  private final FolderImage image;
  private final Path rules;

  /**
   * A compiler whose image is built from {@code toolFolder} (the repository's docker/protoc), with
   * the machine's extra CA certificates ({@code INTEROP_EXTRA_CA_DIR}, else the folder beside it,
   * docker/extra-ca) for its download.
   */
  public ProtoCompiler(Path toolFolder) {
    String extraCa = System.getenv("INTEROP_EXTRA_CA_DIR");
    this.rules = toolFolder.toAbsolutePath().getParent().getParent().resolve("proto/buf.yaml");
    this.image =
        new FolderImage("proto tools image", "grpc-interop/protoc", toolFolder, "Dockerfile")
            .withInput(
                "extra-ca",
                extraCa == null || extraCa.isBlank()
                    ? toolFolder.resolveSibling("extra-ca")
                    : Path.of(extraCa));
  }

  /** The harness's breaking-change rules (proto/buf.yaml), for {@link BreakingCheck}. */
  public Path breakingRules() {
    return rules;
  }

  /** The tool image's name, built first where need be: protoc and buf. */
  public String image() {
    return image.resolve();
  }

  /**
   * The contract of {@code files} (relative to a root; every .proto under the roots when empty),
   * with imports resolved among {@code roots}. A proto that does not compile throws a {@link
   * ContractException} with protoc's words and the file's path.
   *
   * @param describedAs how messages name these protos: "the protos of interop.yaml:3"
   */
  public Contract compile(List<Path> roots, List<String> files, String describedAs) {
    List<String> inputs = files.isEmpty() ? everyProto(roots) : files;
    if (inputs.isEmpty()) {
      throw new ContractException(
          describedAs + ": no .proto file under " + roots + "; point the roots at your protos.");
    }
    List<String> command = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      command.add("-I/in/" + i);
    }
    command.addAll(List.of("-I/in/google-rpc", "-I/usr/include", "--include_imports"));
    command.add("--descriptor_set_out=/dev/stdout");
    command.addAll(inputs);
    List<String> words = new ArrayList<>(List.of("protoc", image.resolve()));
    words.addAll(command);
    byte[] set =
        ToolRuns.answer(
            ToolRuns.key(words, roots), () -> descriptorSet(roots, command, describedAs));
    return Contract.fromDescriptorSet(describedAs, set);
  }

  /** protoc's descriptor set of the command's files, or its errors as a ContractException. */
  private byte[] descriptorSet(List<Path> roots, List<String> command, String describedAs) {
    String stdout;
    String stderr;
    try (var protoc = new GenericContainer<>(image.resolve())) {
      for (int i = 0; i < roots.size(); i++) {
        protoc.withCopyToContainer(MountableFile.forHostPath(roots.get(i)), "/in/" + i);
      }
      // protoc's output is binary; the shell turns it into one line of base64 after a marker, and
      // exits 0 either way, so that its error is read here rather than lost with a failed start.
      for (String proto : GOOGLE_RPC) {
        protoc.withCopyToContainer(Transferable.of(resource(proto)), "/in/google-rpc/" + proto);
      }
      List<String> shell = new ArrayList<>();
      shell.add(
          "protoc \"$@\" > /tmp/set.binpb 2> /tmp/errors; code=$?; cat /tmp/errors >&2;"
              + " if [ $code -eq 0 ]; then echo "
              + OK
              + "; base64 -w0 /tmp/set.binpb; fi");
      shell.add("protoc");
      shell.addAll(command);
      protoc
          .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c"))
          .withCommand(shell.toArray(String[]::new))
          .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(COMPILE_LIMIT));
      protoc.start();
      stdout = protoc.getLogs(OutputFrame.OutputType.STDOUT);
      stderr = protoc.getLogs(OutputFrame.OutputType.STDERR);
    } catch (ContainerLaunchException failed) {
      throw new ContractException(
          describedAs + ": protoc did not run in its container (" + failed.getMessage() + ").");
    }
    if (!stdout.startsWith(OK)) {
      throw new ContractException(
          describedAs
              + " do not compile; fix them and run again. protoc said:\n"
              + ProtocErrors.explain(stderr, roots).indent(2));
    }
    return Base64.getDecoder().decode(stdout.substring(OK.length()).strip());
  }

  /** Every .proto under the roots, relative to its root, in name order. */
  public static List<String> everyProto(List<Path> roots) {
    List<String> files = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(f -> f.toString().endsWith(".proto"))
            .map(f -> root.relativize(f).toString().replace('\\', '/'))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + root, e);
      }
    }
    return files;
  }

  static byte[] resource(String proto) {
    try (InputStream in = ProtoCompiler.class.getClassLoader().getResourceAsStream(proto)) {
      if (in == null) {
        throw new IllegalStateException(
            proto + " is not on the class path (proto-google-common-protos)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
