package dev.grpcinterop.harness.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.grpcinterop.harness.cases.Expectation.FieldRules;
import dev.grpcinterop.harness.cases.Expectation.ServerView;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** One case of a case file, from its YAML tree to a {@link DataCase}; see docs/case-files.md. */
final class CaseReader {
  private static final Set<String> CASE_KEYS = Set.of("name", "description", "method", "requests", "requestBytes", "raw",
      "rawRepeat", "metadata", "timeout", "compression", "cancel", "pingPong", "expect");
  private static final Set<String> EXPECT_KEYS = Set.of("status", "message", "messagePattern", "responses",
      "anyResponses", "ignore", "present", "tolerance", "patterns", "details", "headers", "trailers", "server");
  private static final Set<String> SERVER_KEYS = Set.of("responseCompression", "cancelled", "deadlineAtLeast", "deadlineAtMost");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final String source;
  private final String group;
  private final Contract contract;
  private final JsonFormat.Parser json;
  private String where;

  CaseReader(String source, String group, Contract contract) {
    this.source = source;
    this.group = group;
    this.contract = contract;
    this.json = JsonFormat.parser().usingTypeRegistry(contract.types());
    this.where = source;
  }

  DataCase read(JsonNode node) {
    if (!node.isObject()) {
      throw fail("a case is a mapping with at least \"name\", \"method\" and \"expect\"");
    }
    String name = text(node, "name", null);
    if (name == null || !NAME.matcher(name).matches()) {
      throw fail("every case needs a \"name\" in lower_snake_case, like the official interop cases; this one has "
          + (name == null ? "none" : "\"" + name + "\""));
    }
    where = source + " (case " + name + ")";
    unknownKeys(node, CASE_KEYS, "a case");
    String methodName = text(node, "method", null);
    if (methodName == null) {
      throw fail("\"method\" is required: \"package.Service/Method\"");
    }
    boolean raw = node.path("raw").asBoolean(false) || node.has("requestBytes");
    Optional<MethodDescriptor> method = contract.method(methodName);
    if (method.isEmpty() && !raw) {
      throw fail("the method \"" + methodName + "\" is not in " + contract.name() + "; its methods are "
          + contract.methods() + " (raw: true sends bytes to any path)");
    }
    var call = RunCallRequest.newBuilder().setMethod(methodName).setRaw(raw);
    List<ByteString> requests = requests(node, method, raw);
    for (ByteString request : requests) {
      call.addRequests(raw
          ? Any.newBuilder().setValue(request).build()
          : Any.newBuilder().setTypeUrl("type.googleapis.com/" + method.get().getInputType().getFullName()).setValue(request).build());
    }
    if (method.isPresent() && !method.get().isClientStreaming() && requests.size() != 1 && !raw) {
      throw fail(methodName + " is not client streaming, so it takes exactly one request; this case has " + requests.size());
    }
    call.setRawRepeat(node.path("rawRepeat").asInt(0));
    call.addAllMetadata(metadata(node.path("metadata"), "metadata"));
    call.setTimeout(Durations.fromNanos(duration(node, "timeout", DEFAULT_TIMEOUT).toNanos()));
    call.setCompression(text(node, "compression", ""));
    call.setPingPong(node.path("pingPong").asBoolean(false));
    cancel(node.path("cancel")).ifPresent(call::setCancel);
    if (!node.has("expect")) {
      throw fail("\"expect\" is required: at least the status, as in expect: {status: OK}");
    }
    Optional<Descriptor> responseType = method.map(MethodDescriptor::getOutputType);
    Expectation expectation = expectation(node.get("expect"), responseType);
    return new DataCase(name, group, source, call.build(), expectation, raw ? responseType : Optional.empty());
  }

  private List<ByteString> requests(JsonNode node, Optional<MethodDescriptor> method, boolean raw) {
    List<ByteString> requests = new ArrayList<>();
    if (node.has("requestBytes")) {
      for (JsonNode hex : list(node.get("requestBytes"), "requestBytes")) {
        try {
          requests.add(ByteString.copyFrom(HexFormat.of().parseHex(hex.asText().replace(" ", ""))));
        } catch (IllegalArgumentException notHex) {
          throw fail("requestBytes holds \"" + hex.asText() + "\", which is not hexadecimal bytes");
        }
      }
    }
    if (node.has("requests")) {
      if (method.isEmpty()) {
        throw fail("\"requests\" are messages of the method's input type, and the contract does not know the method;"
            + " give a raw call requestBytes instead");
      }
      int index = 0;
      for (JsonNode request : list(node.get("requests"), "requests")) {
        requests.add(message(request, method.get().getInputType(), "requests[" + index++ + "]").toByteString());
      }
    }
    if (requests.isEmpty() && method.isPresent() && !method.get().isClientStreaming() && !raw) {
      throw fail(method.get().getFullName() + " takes one request: give it under \"requests\" ({} for an empty one)");
    }
    return requests;
  }

  private Expectation expectation(JsonNode expect, Optional<Descriptor> responseType) {
    if (!expect.isObject()) {
      throw fail("\"expect\" is a mapping, such as {status: OK, responses: [...]}");
    }
    unknownKeys(expect, EXPECT_KEYS, "\"expect\"");
    String statusName = text(expect, "status", "OK");
    Status.Code code;
    try {
      code = Status.Code.valueOf(statusName);
    } catch (IllegalArgumentException unknown) {
      throw fail("expect.status \"" + statusName + "\" is not a gRPC status code; use one of "
          + List.of(Status.Code.values()));
    }
    Optional<List<Message>> responses = Optional.of(List.of());
    if (expect.path("anyResponses").asBoolean(false)) {
      responses = Optional.empty();
    } else if (expect.has("responses")) {
      Descriptor type = responseType.orElseThrow(() ->
          fail("expect.responses are messages of the method's response type, which the contract does not know for this method"));
      List<Message> read = new ArrayList<>();
      int index = 0;
      for (JsonNode response : list(expect.get("responses"), "expect.responses")) {
        read.add(message(response, type, "expect.responses[" + index++ + "]"));
      }
      responses = Optional.of(read);
    }
    Optional<List<Message>> details = Optional.empty();
    if (expect.has("details")) {
      List<Message> read = new ArrayList<>();
      int index = 0;
      for (JsonNode detail : list(expect.get("details"), "expect.details")) {
        read.add(detail(detail, "expect.details[" + index++ + "]"));
      }
      details = Optional.of(read);
    }
    Optional<ServerView> server = Optional.empty();
    if (expect.has("server")) {
      JsonNode view = expect.get("server");
      unknownKeys(view, SERVER_KEYS, "expect.server");
      server = Optional.of(new ServerView(
          Optional.ofNullable(text(view, "responseCompression", null)),
          view.has("cancelled") ? Optional.of(view.get("cancelled").asBoolean()) : Optional.empty(),
          view.has("deadlineAtLeast") ? Optional.of(duration(view, "deadlineAtLeast", null)) : Optional.empty(),
          view.has("deadlineAtMost") ? Optional.of(duration(view, "deadlineAtMost", null)) : Optional.empty()));
    }
    FieldRules rules = new FieldRules(strings(expect.path("ignore"), "expect.ignore"),
        strings(expect.path("present"), "expect.present"), tolerances(expect.path("tolerance")), patterns(expect.path("patterns")));
    return new Expectation(code,
        Optional.ofNullable(text(expect, "message", null)),
        Optional.ofNullable(text(expect, "messagePattern", null)).map(p -> pattern(p, "expect.messagePattern")),
        responses, rules, details,
        metadata(expect.path("headers"), "expect.headers"), metadata(expect.path("trailers"), "expect.trailers"), server);
  }

  /** A message of {@code type} from its JSON mapping, with {"$range": ...} lists expanded first. */
  private Message message(JsonNode node, Descriptor type, String what) {
    var builder = DynamicMessage.newBuilder(type);
    try {
      JsonNode expanded = expandRanges(node, what);
      json.merge(expanded.toString(), builder);
      NegativeZeros.restore(expanded, builder);
    } catch (InvalidProtocolBufferException | RuntimeException invalid) {
      throw fail(what + " is not a " + type.getFullName() + " in the protobuf JSON mapping: " + invalid.getMessage());
    }
    return builder.build();
  }

  /** An error detail: a google.protobuf.Any in the JSON mapping, with its "@type". */
  private Message detail(JsonNode node, String what) {
    String typeUrl = node.path("@type").asText("");
    Descriptor type = contract.message(typeUrl.substring(typeUrl.lastIndexOf('/') + 1)).orElseThrow(() ->
        fail(what + " needs an \"@type\" naming a message of the contract or google.rpc, such as"
            + " type.googleapis.com/google.rpc.BadRequest; it has \"" + typeUrl + "\""));
    ObjectNode fields = ((ObjectNode) node).deepCopy();
    fields.remove("@type");
    return message(fields, type, what);
  }

  private JsonNode expandRanges(JsonNode node, String what) {
    if (node.isObject() && node.size() == 1 && node.has("$range")) {
      JsonNode range = node.get("$range");
      if (!range.has("start") || !range.has("step") || !range.has("count")) {
        throw fail(what + ": a $range needs start, step and count, as in {$range: {start: 0, step: 0.5, count: 1000}}");
      }
      ArrayNode values = JsonNodeFactory.instance.arrayNode();
      double start = range.get("start").asDouble();
      double step = range.get("step").asDouble();
      for (int i = 0; i < range.get("count").asInt(); i++) {
        values.add(start + i * step);
      }
      return values;
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(f -> copy.set(f.getKey(), expandRanges(f.getValue(), what)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(expandRanges(element, what)));
      return copy;
    }
    return node;
  }

  /** Keys in order; a key ending "-bin" carries base64, as gRPC sends binary metadata. */
  private List<MetadataEntry> metadata(JsonNode node, String what) {
    if (node.isMissingNode()) {
      return List.of();
    }
    if (!node.isObject()) {
      throw fail(what + " is a mapping of metadata keys to values");
    }
    List<MetadataEntry> entries = new ArrayList<>();
    node.fields().forEachRemaining(field -> {
      String key = field.getKey();
      var entry = MetadataEntry.newBuilder().setKey(key);
      if (key.endsWith("-bin")) {
        try {
          entry.setBinary(ByteString.copyFrom(Base64.getDecoder().decode(field.getValue().asText())));
        } catch (IllegalArgumentException notBase64) {
          throw fail(what + " " + key + ": a -bin key's value is base64, and \"" + field.getValue().asText() + "\" is not");
        }
      } else {
        entry.setText(field.getValue().asText());
      }
      entries.add(entry.build());
    });
    return entries;
  }

  private Optional<Cancellation> cancel(JsonNode node) {
    if (node.isMissingNode()) {
      return Optional.empty();
    }
    if (node.isTextual() && node.asText().equals("afterBegin")) {
      return Optional.of(Cancellation.newBuilder().setAfterBegin(true).build());
    }
    if (node.isObject() && node.has("afterResponses") && node.size() == 1) {
      return Optional.of(Cancellation.newBuilder().setAfterResponses(node.get("afterResponses").asInt()).build());
    }
    throw fail("\"cancel\" is afterBegin or {afterResponses: N}");
  }

  private Duration duration(JsonNode node, String key, Duration absent) {
    if (!node.has(key)) {
      return absent;
    }
    Matcher matcher = DURATION.matcher(node.get(key).asText());
    if (!matcher.matches()) {
      throw fail(key + " \"" + node.get(key).asText() + "\" is not a duration such as 500ms, 5s or 1.5s");
    }
    double amount = Double.parseDouble(matcher.group(1));
    double millis = switch (matcher.group(2)) {
      case "ms" -> amount;
      case "s" -> amount * 1000;
      default -> amount * 60_000;
    };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  private Set<String> strings(JsonNode node, String what) {
    Set<String> values = new LinkedHashSet<>();
    if (!node.isMissingNode()) {
      list(node, what).forEach(value -> values.add(value.asText()));
    }
    return values;
  }

  private Map<String, Double> tolerances(JsonNode node) {
    Map<String, Double> values = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> {
      if (!field.getValue().isNumber()) {
        throw fail("expect.tolerance " + field.getKey() + " must be a number, such as 1e-9");
      }
      values.put(field.getKey(), field.getValue().asDouble());
    });
    return values;
  }

  private Map<String, Pattern> patterns(JsonNode node) {
    Map<String, Pattern> values = new LinkedHashMap<>();
    node.fields().forEachRemaining(field ->
        values.put(field.getKey(), pattern(field.getValue().asText(), "expect.patterns " + field.getKey())));
    return values;
  }

  private Pattern pattern(String regex, String what) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException invalid) {
      throw fail(what + " is not a regular expression: " + invalid.getDescription());
    }
  }

  private List<JsonNode> list(JsonNode node, String what) {
    if (!node.isArray()) {
      throw fail(what + " must be a list");
    }
    List<JsonNode> elements = new ArrayList<>();
    node.forEach(elements::add);
    return elements;
  }

  private static String text(JsonNode node, String key, String absent) {
    return node.has(key) && !node.get(key).isNull() ? node.get(key).asText() : absent;
  }

  private void unknownKeys(JsonNode node, Set<String> known, String what) {
    node.fieldNames().forEachRemaining(key -> {
      if (!known.contains(key)) {
        throw fail("unknown key \"" + key + "\" in " + what + "; the keys are " + new java.util.TreeSet<>(known));
      }
    });
  }

  private CaseFileException fail(String problem) {
    return new CaseFileException(where + ": " + problem + ".");
  }
}
