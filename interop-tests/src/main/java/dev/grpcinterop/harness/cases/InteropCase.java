package dev.grpcinterop.harness.cases;

import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.harness.topology.Instance;
import dev.grpcinterop.harness.topology.Pair;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One cross-language case, named after the official gRPC interop case where there is one. It runs
 * on any {@link Cell} it applies to and says how what happened differs from what the contract
 * expects: an empty {@link Mismatch} when the pair keeps the contract. A case that cannot be
 * carried out at all (a peer that refuses the description) throws.
 */
public interface InteropCase {
  String name();

  /** The report's section: "Calls", "Errors", "Metadata, deadlines and cancellation", ... */
  String group();

  /** Runs the case on {@code cell}, which {@link #notApplicableTo} accepted. */
  Mismatch run(Cell cell) throws Exception;

  /**
   * Why the case cannot say anything about {@code cell} (its server does not provide what the case
   * needs), or empty when it applies; the report shows the reason, never drops the case.
   */
  default Optional<String> notApplicableTo(Cell cell) {
    return Optional.empty();
  }

  /** Where the case is written, for failure messages: "file:line" of a data case, or "". */
  default String source() {
    return "";
  }

  /** The server instances the case uses besides the peer itself. */
  default Set<Instance> needs() {
    return Set.of();
  }

  /**
   * Whether the case spends most of its time waiting (an idle connection, a restart, a reconnect
   * backoff) rather than calling: the runner gives such cases threads of their own, so that they
   * hold no slot that a case making calls could use.
   */
  default boolean waits() {
    return false;
  }

  /** A case that takes code, not data: several calls, containers stopped, time waited. */
  static ProcedureCase of(String name, String group, Procedure procedure) {
    return of(name, group, Set.of(), procedure);
  }

  /**
   * The same, for a case that also uses these instances of the server; it drives the harness's own
   * peers as servers, so it applies to a {@link Pair} only.
   */
  static ProcedureCase of(String name, String group, Set<Instance> needs, Procedure procedure) {
    return onCells(
        name,
        group,
        needs,
        cell ->
            cell instanceof Pair
                ? Optional.empty()
                : Optional.of(
                    "a procedure of the built-in contract: it calls the calculator and drives the"
                        + " harness's own peers as servers (their replicas, keepalive policy and"
                        + " control service), which a user's server is not"),
        cell -> procedure.run((Pair) cell));
  }

  /**
   * A case that takes code and runs on any cell, a user's server as well as a peer, that {@code
   * notApplicable} finds no reason to leave alone.
   */
  static ProcedureCase onCells(
      String name,
      String group,
      Set<Instance> needs,
      Function<Cell, Optional<String>> notApplicable,
      CellProcedure procedure) {
    return new ProcedureCase(name, group, needs, false, notApplicable, procedure);
  }

  @FunctionalInterface
  interface CellProcedure {
    Mismatch run(Cell cell) throws Exception;
  }

  @FunctionalInterface
  interface Procedure {
    Mismatch run(Pair pair) throws Exception;
  }
}
