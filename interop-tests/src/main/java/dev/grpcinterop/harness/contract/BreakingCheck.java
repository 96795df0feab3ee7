package dev.grpcinterop.harness.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * The static half of the proto-change check on a user's contract: buf's breaking-change rules (the
 * harness's own, proto/buf.yaml: WIRE_JSON and nothing deleted) between the released protos and
 * today's, run in the proto tools image, before any server starts. scripts/check-proto is the same
 * check for the built-in contract.
 */
public final class BreakingCheck {
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATUS = "BUF_EXIT=";

  private BreakingCheck() {}

  /**
   * What today's protos under {@code current} break of those under {@code released}, one finding a
   * line ("proto/shop/v1/shop.proto:12:3: FIELD_NO_DELETE: ..."); empty when nothing breaks. Paths
   * are named under {@code shownAs}.
   */
  public static List<String> findings(
      ProtoCompiler tools, Path rules, Path current, Path released, String shownAs) {
    // buf's own words are what is remembered, not this class's reading of them, which may change.
    byte[] json =
        ToolRuns.answer(
            ToolRuns.key(List.of("buf breaking", tools.image()), List.of(current, released, rules)),
            () ->
                bufJson(tools, rules, current, released, shownAs).getBytes(StandardCharsets.UTF_8));
    return parse(new String(json, StandardCharsets.UTF_8), shownAs);
  }

  /** buf's findings as JSON lines, empty when nothing breaks; what else it says is thrown. */
  private static String bufJson(
      ProtoCompiler tools, Path rules, Path current, Path released, String shownAs) {
    String stdout;
    String stderr;
    try (var buf = new GenericContainer<>(tools.image())) {
      buf.withCopyToContainer(MountableFile.forHostPath(current), "/in/current")
          .withCopyToContainer(MountableFile.forHostPath(released), "/in/released")
          .withCopyToContainer(MountableFile.forHostPath(rules), "/in/buf.yaml");
      // google/rpc is importable as in the compile; the same files on both sides change nothing.
      for (String proto : ProtoCompiler.GOOGLE_RPC) {
        for (String side : List.of("/in/current/", "/in/released/")) {
          buf.withCopyToContainer(Transferable.of(ProtoCompiler.resource(proto)), side + proto);
        }
      }
      buf.withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c"))
          // buf exits 100 for findings; the shell always exits 0 and says buf's code, so that
          // findings are read here rather than lost with a failed start.
          // One argument: withCommand(String) would split the script at its spaces.
          .withCommand(
              new String[] {
                // From inside the input, as scripts/check-proto does: paths come relative to it.
                "cd /in/current && buf breaking . --against /in/released --config /in/buf.yaml"
                    + " --against-config /in/buf.yaml --error-format=json; echo "
                    + STATUS
                    + "$? >&2"
              })
          .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(LIMIT));
      buf.start();
      stdout = buf.getLogs(OutputFrame.OutputType.STDOUT);
      stderr = buf.getLogs(OutputFrame.OutputType.STDERR);
    } catch (ContainerLaunchException failed) {
      throw new ContractException(
          "the breaking-change check of " + shownAs + " did not run: " + failed.getMessage());
    }
    String code = stderr.substring(stderr.lastIndexOf(STATUS) + STATUS.length()).strip();
    if (code.equals("0")) {
      return "";
    }
    if (!code.equals("100")) {
      throw new ContractException(
          "buf could not compare "
              + shownAs
              + " with its released version (exit "
              + code
              + "): "
              + stderr.substring(0, stderr.lastIndexOf(STATUS)).strip()
              + stdout.strip());
    }
    return stdout;
  }

  /** buf's JSON findings, one a line, as a compiler writes them. Pure. */
  static List<String> parse(String jsonLines, String shownAs) {
    List<String> findings = new ArrayList<>();
    for (String line : jsonLines.lines().filter(l -> !l.isBlank()).toList()) {
      try {
        JsonNode f = JSON.readTree(line);
        String message = f.path("message").asText().replaceAll(" See https://\\S+ for .*$", "");
        findings.add(
            shownAs
                + "/"
                + f.path("path").asText()
                + ":"
                + f.path("start_line").asInt()
                + ":"
                + f.path("start_column").asInt()
                + ": "
                + f.path("type").asText()
                + ": "
                + message);
      } catch (IOException notJson) {
        findings.add(line);
      }
    }
    return findings;
  }
}
