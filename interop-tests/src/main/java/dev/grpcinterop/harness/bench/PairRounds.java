package dev.grpcinterop.harness.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** One cell of the performance matrix: a scenario on one client × server pair, round by round. */
public record PairRounds(String scenario, String client, String server, List<LoadFigures> rounds) {

  /** A figure over the rounds: median and spread. */
  public Measurement measurement(ToDoubleFunction<LoadFigures> figure) {
    return Measurement.of(rounds.stream().map(round -> figure.applyAsDouble(round)).toList());
  }

  public String pair() {
    return client + " → " + server;
  }
}
