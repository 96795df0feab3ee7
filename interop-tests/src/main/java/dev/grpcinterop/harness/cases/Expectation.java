package dev.grpcinterop.harness.cases;

import com.google.protobuf.Message;
import dev.grpcinterop.interop.v1.MetadataEntry;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a case expects of one call, in the contract's terms. Everything left empty is not checked,
 * except the responses, which are expected to be none unless {@link #responses} says otherwise
 * ({@code Optional.empty()} there means "any").
 *
 * @param code the status code
 * @param message the exact status message, where the contract fixes it (never checked on OK: some
 *     libraries send "OK", others nothing)
 * @param messagePattern a regular expression the status message must contain a match for
 * @param responses the response messages, in order
 * @param rules how the responses are compared where a contract allows some freedom
 * @param details the {@code google.rpc.Status} details the "grpc-status-details-bin" trailer must
 *     carry, in order; that Status must also repeat the call's code and message
 * @param headers response headers that must be there with these values (others may be too)
 * @param trailers the same for trailers
 * @param server what the server must have seen of the call, by its GetServerCall
 */
public record Expectation(
    Status.Code code,
    Optional<String> message,
    Optional<Pattern> messagePattern,
    Optional<List<Message>> responses,
    FieldRules rules,
    Optional<List<Message>> details,
    List<MetadataEntry> headers,
    List<MetadataEntry> trailers,
    Optional<ServerView> server) {

  /**
   * Partial comparison of response fields, by path from the response's root ("result.real"; a path
   * into a repeated field applies to each element).
   *
   * @param ignore fields not compared at all
   * @param present fields that must be set (not their default), whatever their value
   * @param tolerance numbers that may differ from the expected value by up to this much
   * @param patterns strings that must contain a match for the regular expression, whatever the
   *     expected value says
   */
  public record FieldRules(
      Set<String> ignore,
      Set<String> present,
      Map<String, Double> tolerance,
      Map<String, Pattern> patterns) {
    public static final FieldRules EXACT = new FieldRules(Set.of(), Set.of(), Map.of(), Map.of());

    public FieldRules {
      ignore = Set.copyOf(ignore);
      present = Set.copyOf(present);
      tolerance = Map.copyOf(tolerance);
      patterns = Map.copyOf(patterns);
    }
  }

  /**
   * What the server saw of the call, asked of it by the call's "x-interop-call-id": the compression
   * it applied to its responses, whether it saw the call cancelled (the server may learn it a
   * little after the client, so this is awaited), and the bounds of the deadline it had left.
   */
  public record ServerView(
      Optional<String> responseCompression,
      Optional<Boolean> cancelled,
      Optional<Duration> deadlineAtLeast,
      Optional<Duration> deadlineAtMost) {}

  public Expectation {
    responses = responses.map(List::copyOf);
    details = details.map(List::copyOf);
    headers = List.copyOf(headers);
    trailers = List.copyOf(trailers);
  }

  /** Success with exactly these responses. */
  public static Expectation ok(Message... responses) {
    return code(Status.Code.OK, responses);
  }

  /** This code, whatever the message, and these responses before it. */
  public static Expectation code(Status.Code code, Message... responses) {
    return new Expectation(
        code,
        Optional.empty(),
        Optional.empty(),
        Optional.of(List.of(responses)),
        FieldRules.EXACT,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  public Expectation withMessage(String exact) {
    return new Expectation(
        code,
        Optional.of(exact),
        messagePattern,
        responses,
        rules,
        details,
        headers,
        trailers,
        server);
  }

  public Expectation withServer(ServerView view) {
    return new Expectation(
        code,
        message,
        messagePattern,
        responses,
        rules,
        details,
        headers,
        trailers,
        Optional.of(view));
  }
}
