package dev.grpcinterop.harness.cases.generated;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.ExpectationCheck;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.Observation;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The judge of a generated case, which has no written expectation: every pair must give the answer
 * most pairs gave — so a client that decodes the same server's answer differently (client
 * consensus) and a server that answers the same request differently (server consensus) both show —
 * and no server may answer INTERNAL or UNKNOWN (robustness). Pure.
 */
public final class Consensus {
  private static final TextFormat.Printer PRINTER = TextFormat.printer().emittingSingleLine(true);

  private Consensus() {}

  /**
   * What is wrong with each pair's observation, by the pair's name ("python → node"), in the order
   * given; an empty mismatch for a pair that gave the consensus answer.
   */
  public static Map<String, Mismatch> judge(Map<String, Observation> byPair) {
    Map<String, String> answers = new LinkedHashMap<>();
    byPair.forEach((pair, observed) -> answers.put(pair, answer(observed)));
    Map<String, Long> counts =
        answers.values().stream()
            .collect(
                Collectors.groupingBy(
                    Function.identity(), LinkedHashMap::new, Collectors.counting()));
    String consensus =
        counts.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse("");
    String reference =
        answers.entrySet().stream()
            .filter(e -> e.getValue().equals(consensus))
            .findFirst()
            .map(Map.Entry::getKey)
            .orElse("");
    Expectation expected = byPair.isEmpty() ? null : expectationFrom(byPair.get(reference));
    String context =
        "the answer "
            + counts.getOrDefault(consensus, 0L)
            + " of "
            + byPair.size()
            + " pairs gave ("
            + reference
            + ")";

    Map<String, Mismatch> judged = new LinkedHashMap<>();
    // Without an answer from more than half of the pairs, no side can be called the odd one out
    // (two
    // servers that disagree, each with all its clients): every pair fails, and each answer is
    // shown.
    boolean majority = counts.getOrDefault(consensus, 0L) * 2 > byPair.size();
    Mismatch split = majority ? Mismatch.NONE : split(answers);
    byPair.forEach(
        (pair, observed) -> {
          Mismatch mismatch = robustness(observed);
          if (!majority) {
            mismatch = mismatch.and(split);
          } else if (!answers.get(pair).equals(consensus)) {
            Mismatch differs = ExpectationCheck.check(expected, observed);
            if (differs.isEmpty()) {
              differs = Mismatch.of("answer", consensus, answers.get(pair));
            }
            mismatch = mismatch.and(differs.in(kind(pair, answers) + ", against " + context));
          }
          judged.put(pair, mismatch);
        });
    return judged;
  }

  /**
   * Which consensus a pair breaks, from the other pairs of its server: when every client of the
   * server saw the same odd answer, the server answered differently (server consensus); otherwise
   * this client read the server's answer differently from its other clients (client consensus).
   * Pairs are named "client → server".
   */
  static String kind(String pair, Map<String, String> answers) {
    String server = serverOf(pair);
    String client = pair.substring(0, pair.indexOf(" → "));
    boolean everyClientOfTheServerAgrees =
        answers.entrySet().stream()
            .filter(e -> serverOf(e.getKey()).equals(server))
            .allMatch(e -> e.getValue().equals(answers.get(pair)));
    return everyClientOfTheServerAgrees
        ? "server consensus: the "
            + server
            + " server answers this request differently (every client of it saw this answer)"
        : "client consensus: the "
            + client
            + " client reads the "
            + server
            + " server's answer differently from the server's other clients";
  }

  private static String serverOf(String pair) {
    return pair.substring(pair.indexOf(" → ") + 3);
  }

  /** Each answer given, with the pairs that gave it. */
  private static Mismatch split(Map<String, String> answers) {
    Map<String, List<String>> byAnswer = new LinkedHashMap<>();
    answers.forEach(
        (pair, answer) ->
            byAnswer.computeIfAbsent(answer, a -> new java.util.ArrayList<>()).add(pair));
    StringBuilder text = new StringBuilder();
    byAnswer.forEach(
        (answer, pairs) ->
            text.append("\n  ")
                .append(String.join(", ", pairs))
                .append(" answered: ")
                .append(answer));
    return Mismatch.of(
        "answer", "one answer given by more than half of the pairs", "answers split:" + text);
  }

  /** A generated request is a client's mistake at worst: a server must never fail on it. */
  private static Mismatch robustness(Observation observed) {
    if (observed.code() == Status.Code.INTERNAL || observed.code() == Status.Code.UNKNOWN) {
      return Mismatch.of(
          "status of a generated request",
          "anything but INTERNAL or UNKNOWN",
          observed.code() + " \"" + observed.message() + "\"");
    }
    return Mismatch.NONE;
  }

  /** What the reference pair observed, as an expectation for the others. */
  static Expectation expectationFrom(Observation reference) {
    return new Expectation(
        reference.code(),
        reference.code() == Status.Code.OK ? Optional.empty() : Optional.of(reference.message()),
        Optional.empty(),
        Optional.of(reference.responses()),
        Expectation.FieldRules.EXACT,
        reference.richStatus().map(rich -> List.copyOf(rich.details())),
        List.of(),
        List.of(),
        Optional.empty());
  }

  /** The answer as one line: what must be the same for every pair. */
  static String answer(Observation observed) {
    StringBuilder text = new StringBuilder(observed.code().toString());
    if (observed.code() != Status.Code.OK) {
      text.append(" \"").append(observed.message()).append('"');
    }
    for (Message response : observed.responses()) {
      text.append(" | ")
          .append(response.getDescriptorForType().getName())
          .append(" {")
          .append(PRINTER.printToString(response))
          .append('}');
    }
    observed
        .richStatus()
        .ifPresent(
            rich ->
                rich.details()
                    .forEach(
                        detail ->
                            text.append(" | detail ")
                                .append(detail.getDescriptorForType().getName())
                                .append(" {")
                                .append(PRINTER.printToString(detail))
                                .append('}')));
    if (!observed.detailsProblem().isEmpty()) {
      text.append(" | ").append(observed.detailsProblem());
    }
    return text.toString();
  }
}
