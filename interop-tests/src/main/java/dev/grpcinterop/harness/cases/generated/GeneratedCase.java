package dev.grpcinterop.harness.cases.generated;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.interop.v1.RunCallRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One generated request (or request stream) for one method, with no expectation: every pair must
 * give the answer most pairs give, and no server may answer INTERNAL or UNKNOWN.
 *
 * @param seed what made the requests, printed with every failure so that it can be replayed
 */
public record GeneratedCase(
    String name,
    MethodDescriptor method,
    long seed,
    int index,
    List<Message> requests,
    AnswerScope scope) {
  public static final String GROUP = "Generated from the descriptors";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** {@code perMethod} cases for each method of each service named, from {@code seed}. */
  public static List<GeneratedCase> forServices(
      Contract contract, List<String> services, long seed, int perMethod) {
    return forServices(contract, services, seed, perMethod, method -> AnswerScope.EVERYTHING);
  }

  /**
   * The same, each method's answers compared within the scope {@code scopes} gives for its name
   * ("package.Service/Method").
   */
  public static List<GeneratedCase> forServices(
      Contract contract,
      List<String> services,
      long seed,
      int perMethod,
      java.util.function.Function<String, AnswerScope> scopes) {
    List<GeneratedCase> cases = new ArrayList<>();
    for (String name : contract.methods()) {
      MethodDescriptor method = contract.method(name).orElseThrow();
      if (!services.contains(method.getService().getFullName())) {
        continue;
      }
      List<List<Message>> generated = RequestGenerator.requests(method, seed, perMethod);
      for (int i = 0; i < generated.size(); i++) {
        String caseName = "generated_" + method.getName().toLowerCase(Locale.ROOT) + "_" + i;
        cases.add(
            new GeneratedCase(caseName, method, seed, i, generated.get(i), scopes.apply(name)));
      }
    }
    return cases;
  }

  /** The call a client is told to make. */
  public RunCallRequest call() {
    var call =
        RunCallRequest.newBuilder()
            .setMethod(method.getService().getFullName() + "/" + method.getName())
            .setTimeout(Durations.fromNanos(TIMEOUT.toNanos()));
    requests.forEach(request -> call.addRequests(Any.pack(request)));
    return call.build();
  }

  /** The requests in the JSON mapping, for a failure message that lets a person replay them. */
  public String requestsJson(Contract contract) {
    var printer =
        JsonFormat.printer().usingTypeRegistry(contract.types()).omittingInsignificantWhitespace();
    List<String> json = new ArrayList<>();
    for (Message request : requests) {
      try {
        json.add(printer.print(request));
      } catch (InvalidProtocolBufferException | IllegalArgumentException unprintable) {
        // NaN and infinities print; what the JSON mapping cannot say is shown in text format.
        json.add(request.toString().replace('\n', ' ').strip());
      }
    }
    return "seed " + seed + ", request " + index + " of " + method.getFullName() + ": " + json;
  }
}
