package dev.grpcinterop.harness.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import dev.grpcinterop.harness.cases.Expectation.FieldRules;
import dev.grpcinterop.harness.cases.Expectation.ServerView;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code expect} of a case: what the contract says must come of its call. */
final class ExpectationReader {
  private static final Set<String> EXPECT_KEYS =
      Set.of(
          "status",
          "message",
          "messagePattern",
          "responses",
          "anyResponses",
          "ignore",
          "present",
          "tolerance",
          "patterns",
          "details",
          "headers",
          "trailers",
          "server");
  private static final Set<String> SERVER_KEYS =
      Set.of("responseCompression", "cancelled", "deadlineAtLeast", "deadlineAtMost");

  private final CaseYaml yaml;

  ExpectationReader(CaseYaml yaml) {
    this.yaml = yaml;
  }

  Expectation read(JsonNode expect, Optional<Descriptor> responseType) {
    if (!expect.isObject()) {
      throw yaml.fail("\"expect\" is a mapping, such as {status: OK, responses: [...]}");
    }
    yaml.unknownKeys(expect, EXPECT_KEYS, "\"expect\"");
    String statusName = yaml.text(expect, "status", "OK");
    Status.Code code;
    try {
      code = Status.Code.valueOf(statusName);
    } catch (IllegalArgumentException unknown) {
      throw yaml.fail(
          "expect.status \""
              + statusName
              + "\" is not a gRPC status code; use one of "
              + List.of(Status.Code.values()));
    }
    Optional<List<Message>> responses = Optional.of(List.of());
    if (expect.path("anyResponses").asBoolean(false)) {
      responses = Optional.empty();
    } else if (expect.has("responses")) {
      Descriptor type =
          responseType.orElseThrow(
              () ->
                  yaml.fail(
                      "expect.responses are messages of the method's response type, which the contract does not know for this method"));
      List<Message> read = new ArrayList<>();
      int index = 0;
      for (JsonNode response : yaml.list(expect.get("responses"), "expect.responses")) {
        read.add(yaml.message(response, type, "expect.responses[" + index++ + "]"));
      }
      responses = Optional.of(read);
    }
    Optional<List<Message>> details = Optional.empty();
    if (expect.has("details")) {
      List<Message> read = new ArrayList<>();
      int index = 0;
      for (JsonNode detail : yaml.list(expect.get("details"), "expect.details")) {
        read.add(yaml.detail(detail, "expect.details[" + index++ + "]"));
      }
      details = Optional.of(read);
    }
    Optional<ServerView> server = Optional.empty();
    if (expect.has("server")) {
      JsonNode view = expect.get("server");
      yaml.unknownKeys(view, SERVER_KEYS, "expect.server");
      server =
          Optional.of(
              new ServerView(
                  Optional.ofNullable(yaml.text(view, "responseCompression", null)),
                  view.has("cancelled")
                      ? Optional.of(view.get("cancelled").asBoolean())
                      : Optional.empty(),
                  view.has("deadlineAtLeast")
                      ? Optional.of(yaml.duration(view, "deadlineAtLeast", null))
                      : Optional.empty(),
                  view.has("deadlineAtMost")
                      ? Optional.of(yaml.duration(view, "deadlineAtMost", null))
                      : Optional.empty()));
    }
    FieldRules rules =
        new FieldRules(
            yaml.strings(expect.path("ignore"), "expect.ignore"),
            yaml.strings(expect.path("present"), "expect.present"),
            tolerances(expect.path("tolerance")),
            patterns(expect.path("patterns")));
    return new Expectation(
        code,
        Optional.ofNullable(yaml.text(expect, "message", null)),
        Optional.ofNullable(yaml.text(expect, "messagePattern", null))
            .map(p -> yaml.pattern(p, "expect.messagePattern")),
        responses,
        rules,
        details,
        yaml.metadata(expect.path("headers"), "expect.headers"),
        yaml.metadata(expect.path("trailers"), "expect.trailers"),
        server);
  }

  private Map<String, Double> tolerances(JsonNode node) {
    Map<String, Double> values = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            field -> {
              if (!field.getValue().isNumber()) {
                throw yaml.fail(
                    "expect.tolerance " + field.getKey() + " must be a number, such as 1e-9");
              }
              values.put(field.getKey(), field.getValue().asDouble());
            });
    return values;
  }

  private Map<String, Pattern> patterns(JsonNode node) {
    Map<String, Pattern> values = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            field ->
                values.put(
                    field.getKey(),
                    yaml.pattern(field.getValue().asText(), "expect.patterns " + field.getKey())));
    return values;
  }
}
