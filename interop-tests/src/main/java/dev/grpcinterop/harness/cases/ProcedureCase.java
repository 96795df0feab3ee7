package dev.grpcinterop.harness.cases;

import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.harness.topology.Instance;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A case that takes code: its name, the server instances it uses, whether it mostly waits, where it
 * applies, and the procedure.
 */
public record ProcedureCase(
    String name,
    String group,
    Set<Instance> needs,
    boolean waits,
    Function<Cell, Optional<String>> applies,
    InteropCase.CellProcedure procedure)
    implements InteropCase {

  /** The same case, as one that spends most of its time waiting. */
  public ProcedureCase waiting() {
    return new ProcedureCase(name, group, needs, true, applies, procedure);
  }

  @Override
  public Optional<String> notApplicableTo(Cell cell) {
    return applies.apply(cell);
  }

  @Override
  public Mismatch run(Cell cell) throws Exception {
    return procedure.run(cell);
  }
}
