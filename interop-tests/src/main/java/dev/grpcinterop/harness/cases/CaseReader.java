package dev.grpcinterop.harness.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.RunCallRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** One case of a case file, from its YAML tree to a {@link DataCase}; see docs/case-files.md. */
final class CaseReader {
  private static final Set<String> CASE_KEYS =
      Set.of(
          "name",
          "description",
          "method",
          "requests",
          "requestBytes",
          "raw",
          "rawRepeat",
          "metadata",
          "timeout",
          "compression",
          "cancel",
          "pingPong",
          "expect");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final String source;
  private final String group;
  private final Contract contract;
  private final CaseYaml yaml;

  CaseReader(String source, String group, Contract contract) {
    this.source = source;
    this.group = group;
    this.contract = contract;
    this.yaml = new CaseYaml(source, contract);
  }

  DataCase read(JsonNode node) {
    if (!node.isObject()) {
      throw yaml.fail("a case is a mapping with at least \"name\", \"method\" and \"expect\"");
    }
    String name = yaml.text(node, "name", null);
    if (name == null || !NAME.matcher(name).matches()) {
      throw yaml.fail(
          "every case needs a \"name\" in lower_snake_case, like the official interop cases; this one has "
              + (name == null ? "none" : "\"" + name + "\""));
    }
    yaml.at(source + " (case " + name + ")");
    yaml.unknownKeys(node, CASE_KEYS, "a case");
    String methodName = yaml.text(node, "method", null);
    if (methodName == null) {
      throw yaml.fail("\"method\" is required: \"package.Service/Method\"");
    }
    boolean raw = node.path("raw").asBoolean(false) || node.has("requestBytes");
    Optional<MethodDescriptor> method = contract.method(methodName);
    if (method.isEmpty() && !raw) {
      throw yaml.fail(
          "the method \""
              + methodName
              + "\" is not in "
              + contract.name()
              + "; its methods are "
              + contract.methods()
              + " (raw: true sends bytes to any path)");
    }
    var call = RunCallRequest.newBuilder().setMethod(methodName).setRaw(raw);
    List<ByteString> requests = requests(node, method, raw);
    for (ByteString request : requests) {
      call.addRequests(
          raw
              ? Any.newBuilder().setValue(request).build()
              : Any.newBuilder()
                  .setTypeUrl("type.googleapis.com/" + method.get().getInputType().getFullName())
                  .setValue(request)
                  .build());
    }
    if (method.isPresent() && !method.get().isClientStreaming() && requests.size() != 1 && !raw) {
      throw yaml.fail(
          methodName
              + " is not client streaming, so it takes exactly one request; this case has "
              + requests.size());
    }
    call.setRawRepeat(node.path("rawRepeat").asInt(0));
    call.addAllMetadata(yaml.metadata(node.path("metadata"), "metadata"));
    call.setTimeout(Durations.fromNanos(yaml.duration(node, "timeout", DEFAULT_TIMEOUT).toNanos()));
    call.setCompression(yaml.text(node, "compression", ""));
    call.setPingPong(node.path("pingPong").asBoolean(false));
    cancel(node.path("cancel")).ifPresent(call::setCancel);
    if (!node.has("expect")) {
      throw yaml.fail("\"expect\" is required: at least the status, as in expect: {status: OK}");
    }
    Optional<Descriptor> responseType = method.map(MethodDescriptor::getOutputType);
    Expectation expectation = new ExpectationReader(yaml).read(node.get("expect"), responseType);
    return new DataCase(
        name, group, source, call.build(), expectation, raw ? responseType : Optional.empty());
  }

  private List<ByteString> requests(JsonNode node, Optional<MethodDescriptor> method, boolean raw) {
    List<ByteString> requests = new ArrayList<>();
    if (node.has("requestBytes")) {
      for (JsonNode hex : yaml.list(node.get("requestBytes"), "requestBytes")) {
        try {
          requests.add(ByteString.copyFrom(HexFormat.of().parseHex(hex.asText().replace(" ", ""))));
        } catch (IllegalArgumentException notHex) {
          throw yaml.fail(
              "requestBytes holds \"" + hex.asText() + "\", which is not hexadecimal bytes");
        }
      }
    }
    if (node.has("requests")) {
      if (method.isEmpty()) {
        throw yaml.fail(
            "\"requests\" are messages of the method's input type, and the contract does not know the method;"
                + " give a raw call requestBytes instead");
      }
      int index = 0;
      for (JsonNode request : yaml.list(node.get("requests"), "requests")) {
        requests.add(
            yaml.message(request, method.get().getInputType(), "requests[" + index++ + "]")
                .toByteString());
      }
    }
    if (requests.isEmpty() && method.isPresent() && !method.get().isClientStreaming() && !raw) {
      throw yaml.fail(
          method.get().getFullName()
              + " takes one request: give it under \"requests\" ({} for an empty one)");
    }
    return requests;
  }

  private Optional<Cancellation> cancel(JsonNode node) {
    if (node.isMissingNode()) {
      return Optional.empty();
    }
    if (node.isTextual() && node.asText().equals("afterBegin")) {
      return Optional.of(Cancellation.newBuilder().setAfterBegin(true).build());
    }
    if (node.isObject() && node.has("afterResponses") && node.size() == 1) {
      return Optional.of(
          Cancellation.newBuilder().setAfterResponses(node.get("afterResponses").asInt()).build());
    }
    throw yaml.fail("\"cancel\" is afterBegin or {afterResponses: N}");
  }
}
