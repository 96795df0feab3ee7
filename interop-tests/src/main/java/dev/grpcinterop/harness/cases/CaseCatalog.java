package dev.grpcinterop.harness.cases;

import dev.grpcinterop.harness.cases.procedures.BalancingCases;
import dev.grpcinterop.harness.cases.procedures.KeepaliveCases;
import dev.grpcinterop.harness.cases.procedures.LimitCases;
import dev.grpcinterop.harness.cases.procedures.TlsCases;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.topology.Instance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in contract's cases: the data cases of its case folders, then the procedures that take
 * code (several calls, containers stopped, time waited). Names follow the official gRPC interop
 * cases where one exists.
 */
public final class CaseCatalog {
  private CaseCatalog() {}

  /**
   * Every data case of the case folders (the built-in project file's {@code cases}), read with
   * {@code contract}, files named from {@code root}.
   */
  public static List<DataCase> dataCases(Path root, List<Path> folders, Contract contract) {
    return CaseFiles.loadAll(folders, contract, file -> root.relativize(file).toString());
  }

  /** The data cases, then the procedures, with the data cases named {@code probes} as probes. */
  public static List<InteropCase> all(
      Path root, List<Path> folders, List<String> probes, Contract contract) {
    List<DataCase> data = dataCases(root, folders, contract);
    List<InteropCase> cases = new ArrayList<>(data);
    cases.addAll(
        procedures(
            probes.stream()
                .map(p -> data.stream().filter(d -> d.name().equals(p)).findFirst().orElseThrow())
                .toList()));
    return cases;
  }

  /**
   * The procedures: the TLS cases, which repeat the {@code probes} over TLS on any server that
   * serves it, and the built-in contract's own, which drive the peers as servers.
   */
  public static List<InteropCase> procedures(List<DataCase> probes) {
    List<InteropCase> cases = new ArrayList<>(LimitCases.all());
    cases.addAll(TlsCases.all(probes));
    cases.addAll(BalancingCases.all());
    cases.addAll(KeepaliveCases.all());
    return cases;
  }

  /** The server instances that {@code cases} use besides each peer itself. */
  public static Set<Instance> needs(List<? extends InteropCase> cases) {
    Set<Instance> needed = EnumSet.noneOf(Instance.class);
    cases.forEach(c -> needed.addAll(c.needs()));
    return needed;
  }

  /**
   * The cases for version-skew pairs: the single calls whose method both versions of the contract
   * declare, so that what is compared is how old and new messages meet on the wire.
   */
  public static List<InteropCase> wireCases(
      List<? extends InteropCase> cases, Set<String> baselineMethods) {
    return cases.stream()
        .filter(c -> c instanceof DataCase data && data.isWireCase(baselineMethods))
        .map(c -> (InteropCase) c)
        .toList();
  }
}
