package dev.grpcinterop.harness.cases;

import com.google.protobuf.Message;
import dev.grpcinterop.harness.cases.Expectation.FieldRules;
import dev.grpcinterop.harness.cases.Expectation.ServerView;
import dev.grpcinterop.harness.cases.Mismatch.Difference;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.MetadataEntry;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one judge of a call: what differs between what a case expects and what was observed, place by
 * place. Pure: the same two values always give the same mismatch.
 */
public final class ExpectationCheck {
  private ExpectationCheck() {}

  public static Mismatch check(Expectation expected, Observation observed) {
    List<Difference> out = new ArrayList<>();
    if (expected.code() != observed.code()) {
      out.add(
          new Difference(
              "status",
              statusText(expected),
              observed.code() + " \"" + Values.quoteless(observed.message()) + "\""));
    } else if (expected.code() != Status.Code.OK) {
      expected
          .message()
          .filter(m -> !m.equals(observed.message()))
          .ifPresent(
              m ->
                  out.add(
                      new Difference(
                          "status message", Values.show(m), Values.show(observed.message()))));
      expected
          .messagePattern()
          .filter(p -> !p.matcher(observed.message()).find())
          .ifPresent(
              p ->
                  out.add(
                      new Difference(
                          "status message",
                          "a match for /" + p + "/",
                          Values.show(observed.message()))));
    }
    expected
        .responses()
        .ifPresent(
            responses ->
                messages("responses", responses, observed.responses(), expected.rules(), out));
    expected.details().ifPresent(details -> details(details, observed, out));
    metadata("headers", expected.headers(), observed.headers(), out);
    metadata("trailers", expected.trailers(), observed.trailers(), out);
    expected.server().ifPresent(view -> server(view, observed, out));
    return new Mismatch(out);
  }

  private static String statusText(Expectation expected) {
    return expected.code()
        + expected.message().map(m -> " \"" + Values.quoteless(m) + "\"").orElse("")
        + expected.messagePattern().map(p -> " matching /" + p + "/").orElse("");
  }

  private static void messages(
      String where, List<Message> want, List<Message> got, FieldRules rules, List<Difference> out) {
    if (want.size() != got.size()) {
      out.add(
          new Difference(
              where, want.size() + " " + Values.show(want), got.size() + " " + Values.show(got)));
      return;
    }
    for (int i = 0; i < want.size(); i++) {
      out.addAll(MessageDiff.diff(where + "[" + i + "]", want.get(i), got.get(i), rules));
    }
  }

  /** The rich error model: a google.rpc.Status repeating the call's status, with these details. */
  private static void details(List<Message> want, Observation observed, List<Difference> out) {
    if (!observed.detailsProblem().isEmpty()) {
      out.add(new Difference("details", "a google.rpc.Status", observed.detailsProblem()));
      return;
    }
    if (observed.richStatus().isEmpty()) {
      out.add(
          new Difference(
              "details", "a google.rpc.Status in grpc-status-details-bin", "no such trailer"));
      return;
    }
    var rich = observed.richStatus().get();
    if (rich.code() != observed.code().value()) {
      out.add(
          new Difference(
              "details.code",
              observed.code() + " (the call's code)",
              Status.fromCodeValue(rich.code()).getCode().toString()));
    }
    if (!rich.message().equals(observed.message())) {
      out.add(
          new Difference(
              "details.message",
              Values.show(observed.message()) + " (the call's message)",
              Values.show(rich.message())));
    }
    messages("details.details", want, rich.details(), FieldRules.EXACT, out);
  }

  private static void metadata(
      String where, List<MetadataEntry> want, List<MetadataEntry> got, List<Difference> out) {
    for (MetadataEntry entry : want) {
      List<MetadataEntry> same =
          got.stream().filter(e -> e.getKey().equals(entry.getKey())).toList();
      String place = where + " " + entry.getKey();
      if (same.isEmpty()) {
        out.add(new Difference(place, value(entry), "absent"));
      } else if (same.stream()
          .noneMatch(
              e -> e.getValueCase() == entry.getValueCase() && value(e).equals(value(entry)))) {
        out.add(
            new Difference(
                place,
                value(entry),
                same.stream().map(ExpectationCheck::value).toList().toString()));
      }
    }
  }

  private static String value(MetadataEntry entry) {
    return entry.hasBinary() ? Values.show(entry.getBinary()) : Values.show(entry.getText());
  }

  private static void server(ServerView view, Observation observed, List<Difference> out) {
    if (observed.server().isEmpty()) {
      out.add(
          new Difference(
              "server", "what the server saw of the call", "no answer from GetServerCall"));
      return;
    }
    GetServerCallResponse seen = observed.server().get();
    view.responseCompression()
        .filter(c -> !c.equals(seen.getResponseCompression()))
        .ifPresent(
            c ->
                out.add(
                    new Difference(
                        "server response compression",
                        Values.show(c),
                        Values.show(seen.getResponseCompression()))));
    view.cancelled()
        .filter(c -> c != seen.getCancelled())
        .ifPresent(
            c ->
                out.add(
                    new Difference(
                        "server saw the call cancelled",
                        c.toString(),
                        Boolean.toString(seen.getCancelled()))));
    if (view.deadlineAtLeast().isPresent() || view.deadlineAtMost().isPresent()) {
      String bounds =
          view.deadlineAtLeast().map(d -> d.toMillis() + " ms").orElse("")
              + " to "
              + view.deadlineAtMost().map(d -> d.toMillis() + " ms").orElse("");
      if (!seen.hasDeadlineRemaining()) {
        out.add(new Difference("server deadline remaining", bounds, "no deadline"));
      } else {
        Duration remaining =
            Duration.ofMillis(
                com.google.protobuf.util.Durations.toMillis(seen.getDeadlineRemaining()));
        boolean tooShort =
            view.deadlineAtLeast().filter(min -> remaining.compareTo(min) < 0).isPresent();
        boolean tooLong =
            view.deadlineAtMost().filter(max -> remaining.compareTo(max) > 0).isPresent();
        if (tooShort || tooLong) {
          out.add(
              new Difference("server deadline remaining", bounds, remaining.toMillis() + " ms"));
        }
      }
    }
  }
}
