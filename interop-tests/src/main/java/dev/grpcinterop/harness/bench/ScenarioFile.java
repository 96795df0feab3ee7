package dev.grpcinterop.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Message;
import dev.grpcinterop.harness.cases.CaseYaml;
import dev.grpcinterop.harness.contract.Contract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A file of benchmark scenarios, such as benchmarks/calculator.yaml, read against a contract. */
public final class ScenarioFile {
  private static final Set<String> KEYS =
      Set.of(
          "name",
          "title",
          "method",
          "requests",
          "repeat",
          "pingPong",
          "concurrency",
          "channels",
          "timeout",
          "rate",
          "calibrate");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private ScenarioFile() {}

  /** The calculator's scenarios, from the harness's resources. */
  public static List<Scenario> calculator(Contract contract) {
    String resource = "/benchmarks/calculator.yaml";
    try (InputStream in = ScenarioFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the harness lacks its resource " + resource);
      }
      return read(in, "benchmarks/calculator.yaml", contract);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  public static List<Scenario> read(InputStream in, String where, Contract contract)
      throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
    var yaml = new CaseYaml(where, contract);
    if (root == null || !root.has("scenarios")) {
      throw yaml.fail("a scenario file holds a list under \"scenarios\"");
    }
    List<Scenario> scenarios = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    int index = 0;
    for (JsonNode node : yaml.list(root.get("scenarios"), "scenarios")) {
      String name = CaseYaml.text(node, "name", "");
      yaml.at(where + ": scenario " + (name.isEmpty() ? "#" + (index + 1) : name));
      index++;
      yaml.unknownKeys(node, KEYS, "a scenario");
      if (!name.matches("[a-z][a-z0-9_]*")) {
        throw yaml.fail("a scenario needs a name of lower-case letters, digits and _");
      }
      if (!names.add(name)) {
        throw yaml.fail("the name is taken by an earlier scenario");
      }
      scenarios.add(scenario(yaml, node, name));
    }
    return List.copyOf(scenarios);
  }

  private static Scenario scenario(CaseYaml yaml, JsonNode node, String name) {
    String methodName = CaseYaml.text(node, "method", "");
    MethodDescriptor method =
        yaml.contract()
            .method(methodName)
            .orElseThrow(
                () -> yaml.fail("method \"" + methodName + "\" is not a method of the contract"));
    List<Message> once = new ArrayList<>();
    int i = 0;
    for (JsonNode request : yaml.list(node.path("requests"), "requests")) {
      once.add(yaml.message(request, method.getInputType(), "requests[" + i++ + "]"));
    }
    int repeat = positive(yaml, node, "repeat", 1);
    List<Message> requests = new ArrayList<>();
    for (int r = 0; r < repeat; r++) {
      requests.addAll(once);
    }
    if (!method.isClientStreaming() && requests.size() != 1) {
      throw yaml.fail(methodName + " takes exactly one request, not " + requests.size());
    }
    boolean pingPong = node.path("pingPong").asBoolean(false);
    if (pingPong && !(method.isClientStreaming() && method.isServerStreaming())) {
      throw yaml.fail("pingPong needs a bidirectional method, which " + methodName + " is not");
    }
    int concurrency = positive(yaml, node, "concurrency", 1);
    int channels = positive(yaml, node, "channels", 1);
    if (channels > concurrency) {
      throw yaml.fail("channels (" + channels + ") must not exceed concurrency");
    }
    String rate = CaseYaml.text(node, "rate", "calls");
    Scenario.Rate parsed;
    try {
      parsed = Scenario.Rate.valueOf(rate.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      throw yaml.fail("rate \"" + rate + "\" is calls or messages");
    }
    return new Scenario(
        name,
        CaseYaml.text(node, "title", name),
        methodName,
        calibrated(yaml, node, method),
        List.copyOf(requests),
        pingPong,
        concurrency,
        channels,
        yaml.duration(node, "timeout", DEFAULT_TIMEOUT),
        parsed);
  }

  /** ghz calibrates a unary scenario unless it says otherwise; it runs unary calls only. */
  private static boolean calibrated(CaseYaml yaml, JsonNode node, MethodDescriptor method) {
    boolean unary = !method.isClientStreaming() && !method.isServerStreaming();
    boolean asked = node.path("calibrate").asBoolean(unary);
    if (asked && !unary) {
      throw yaml.fail(
          "calibrate: ghz makes unary calls only, and " + method.getFullName() + " streams");
    }
    return asked;
  }

  private static int positive(CaseYaml yaml, JsonNode node, String key, int absent) {
    if (!node.has(key)) {
      return absent;
    }
    JsonNode value = node.get(key);
    if (!value.canConvertToInt() || value.asInt() < 1) {
      throw yaml.fail(key + " must be a whole number of at least 1, not " + value);
    }
    return value.asInt();
  }
}
