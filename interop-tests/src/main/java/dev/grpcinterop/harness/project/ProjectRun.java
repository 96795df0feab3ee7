package dev.grpcinterop.harness.project;

import dev.grpcinterop.harness.cases.CaseCatalog;
import dev.grpcinterop.harness.cases.CaseFiles;
import dev.grpcinterop.harness.cases.DataCase;
import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.generated.AnswerScope;
import dev.grpcinterop.harness.cases.generated.GeneratedCase;
import dev.grpcinterop.harness.contract.BreakingCheck;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.project.Project.MethodSettings;
import dev.grpcinterop.harness.project.Project.Protos;
import dev.grpcinterop.harness.report.InteropReport;
import dev.grpcinterop.harness.report.ReportMerge;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseSelection;
import dev.grpcinterop.harness.run.GeneratedRunner;
import dev.grpcinterop.harness.run.KnownFailures;
import dev.grpcinterop.harness.run.MatrixRunner;
import dev.grpcinterop.harness.run.Shard;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.harness.topology.Pair;
import dev.grpcinterop.harness.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * A user's contract run from its project file: the protos compiled, the project checked against
 * them, the case files read and the cases generated — all before any server starts — then every
 * client language against every server of the project, and the report.
 */
public final class ProjectRun {
  private final Project project;
  private final Contract contract;
  private final Optional<Contract> released;
  private final List<InteropCase> cases;
  private final List<GeneratedCase> generated;
  private final List<PeerManifest> clients;
  private final StaticCheck staticCheck;
  private final Shard shard;
  private final Map<String, Double> shardCosts;

  /**
   * The breaking-change check of today's protos against the released ones: its findings, or why it
   * does not apply.
   */
  public record StaticCheck(List<String> findings, Optional<String> notApplicable) {
    public boolean failed() {
      return !findings.isEmpty();
    }
  }

  private ProjectRun(
      Project project,
      Contract contract,
      Optional<Contract> released,
      List<InteropCase> cases,
      List<GeneratedCase> generated,
      List<PeerManifest> clients,
      StaticCheck staticCheck,
      Shard shard,
      Map<String, Double> shardCosts) {
    this.staticCheck = staticCheck;
    this.shard = shard;
    this.shardCosts = shardCosts;
    this.project = project;
    this.contract = contract;
    this.released = released;
    this.cases = cases;
    this.generated = generated;
    this.clients = clients;
  }

  /** What the run found and how it went. */
  public record Outcome(
      List<CaseResult> matrix,
      List<CaseResult> skew,
      StaticCheck staticCheck,
      InteropReport report) {
    public boolean failed() {
      return staticCheck.failed()
          || java.util.stream.Stream.concat(matrix.stream(), skew.stream())
              .anyMatch(r -> r.verdict() == CaseResult.Verdict.FAILED);
    }
  }

  /**
   * Reads {@code projectFile} and everything it names, compiling its protos with {@code compiler};
   * every mistake throws a {@link ProjectFileException} (or a case file's or contract's exception)
   * that names the file and line. {@code peers} are the client languages there are.
   */
  public static ProjectRun prepare(
      Path projectFile, ProtoCompiler compiler, List<PeerManifest> peers) {
    return prepare(ProjectFile.read(projectFile), compiler, peers);
  }

  /** The same, for a project already read. */
  public static ProjectRun prepare(
      Project project, ProtoCompiler compiler, List<PeerManifest> peers) {
    return prepare(project, compiler, peers, List.of());
  }

  /**
   * The same, with {@code -Dinterop.cases} choosing among the cases, the generated ones and {@code
   * otherCaseNames} (what the caller runs besides).
   */
  public static ProjectRun prepare(
      Project project,
      ProtoCompiler compiler,
      List<PeerManifest> peers,
      List<String> otherCaseNames) {
    List<PeerManifest> clients = ProjectCheck.chosenClients(project, peers);
    Protos protos = project.protos();
    List<String> files =
        protos.files().isEmpty() ? ProtoCompiler.everyProto(protos.roots()) : protos.files();
    // The three tool runs at once, each a container that mostly starts and stops; today's protos'
    // mistakes are told first.
    ExecutorService tools = Executors.newFixedThreadPool(3);
    Contract contract;
    Optional<Contract> released;
    StaticCheck staticCheck;
    try {
      Future<Contract> today =
          tools.submit(
              () ->
                  compiler.compile(
                      protos.roots(), files, "the protos of " + project.at(protos.line())));
      Future<Optional<Contract>> baseline =
          tools.submit(
              () ->
                  project
                      .baseline()
                      .map(
                          b ->
                              compiler.compile(
                                  b.roots(),
                                  b.files(),
                                  "the released protos of "
                                      + project.at(b.line())
                                      + " (baseline)")));
      Future<StaticCheck> check = tools.submit(() -> staticCheck(project, compiler));
      contract = resultOf(today);
      released = resultOf(baseline);
      staticCheck = resultOf(check);
    } finally {
      tools.shutdownNow();
    }
    List<String> services = ProjectCheck.services(project, contract, files);
    ProjectCheck.methods(project, contract);
    List<DataCase> data = readCases(project, contract);
    List<InteropCase> written = new ArrayList<>(data);
    // On a user's server the built-in contract's procedures are "not applicable", with the reason.
    written.addAll(CaseCatalog.procedures(ProjectCheck.probes(project, data)));
    List<GeneratedCase> generated =
        GeneratedCase.forServices(
            contract,
            services,
            project.generated().seed(),
            project.generated().perMethod(),
            method -> scope(project.methods().getOrDefault(method, MethodSettings.NONE)));
    List<String> otherNames = new ArrayList<>(generated.stream().map(GeneratedCase::name).toList());
    otherNames.addAll(otherCaseNames);
    return new ProjectRun(
        project,
        contract,
        // Peers built from the released protos still serve today's control service.
        project.peerServers() ? released.map(r -> r.joinedWith(Contracts.current())) : released,
        CaseSelection.fromSystemProperty(written, otherNames),
        CaseSelection.amongGenerated(generated),
        clients,
        staticCheck,
        Shard.fromSystemProperty(),
        shardCosts());
  }

  /**
   * What a task run on a pool gave, or what it threw (a contract that does not compile, a case that
   * could not run).
   */
  private static <T> T resultOf(Future<T> run) {
    try {
      return run.get();
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof RuntimeException thrown) {
        throw thrown;
      }
      throw new IllegalStateException(failed.getCause());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while the run waited for its tasks", interrupted);
    }
  }

  /** What an earlier run measured, from {@code -Dinterop.shardCosts}; empty when not given. */
  private static Map<String, Double> shardCosts() {
    String file = System.getProperty("interop.shardCosts", "");
    if (file.isBlank()) {
      return Map.of();
    }
    try {
      return ReportMerge.unitCosts(Path.of(file));
    } catch (java.io.IOException unreadable) {
      throw new IllegalArgumentException(
          "-Dinterop.shardCosts: " + file + " cannot be read: " + unreadable.getMessage());
    }
  }

  /** Today's protos against the released ones, before any server starts. */
  private static StaticCheck staticCheck(Project project, ProtoCompiler compiler) {
    if (project.baseline().isEmpty()) {
      return new StaticCheck(
          List.of(), Optional.of("the project file names no baseline (the released protos)"));
    }
    Protos baseline = project.baseline().get();
    if (project.protos().roots().size() != 1 || baseline.roots().size() != 1) {
      return new StaticCheck(
          List.of(),
          Optional.of("buf compares one proto root with one; the project file has more"));
    }
    Path current = project.protos().roots().get(0);
    Path shown = Path.of(project.shownAs()).resolveSibling(project.folder().relativize(current));
    return new StaticCheck(
        BreakingCheck.findings(
            compiler, compiler.breakingRules(), current, baseline.roots().get(0), shown.toString()),
        Optional.empty());
  }

  private static AnswerScope scope(MethodSettings settings) {
    return new AnswerScope(settings.ignoreFields(), settings.answersVary());
  }

  private static List<DataCase> readCases(Project project, Contract contract) {
    // Files are named as the project file is: "examples/shop/cases/orders.yaml:12".
    Path shownFolder = Path.of(project.shownAs()).getParent();
    return CaseFiles.loadAll(
        project.cases(),
        contract,
        file -> {
          Path relative = project.folder().relativize(file.toAbsolutePath());
          return (shownFolder == null ? relative : shownFolder.resolve(relative)).toString();
        });
  }

  /**
   * Starts the project's servers and the clients, runs every case on every pair, writes the report
   * to {@code reportDir}, and stops every container it started.
   */
  public Outcome execute(Path harnessRoot, Path reportDir) throws Exception {
    return execute(harnessRoot, reportDir, clients -> {});
  }

  /**
   * The same; {@code lastly} is given the clients before anything stops, for what a caller runs
   * besides the cases.
   */
  public Outcome execute(
      Path harnessRoot, Path reportDir, java.util.function.Consumer<List<PeerContainer>> lastly)
      throws Exception {
    var knownFailures = new KnownFailures(clients, project.knownFailures(), project.shownAs());
    List<InteropCase> wireCases =
        released.isEmpty() ? List.of() : CaseCatalog.wireCases(cases, released.get().methods());
    if (project.peerServers()) {
      // Only what the selected cases use is started: no replicas for -Dinterop.cases=tls_unary.
      Path baselineFolder =
          project.baseline().isEmpty() || wireCases.isEmpty()
              ? null
              : project.baseline().get().roots().get(0);
      try (var topology =
          Topology.start(
              harnessRoot,
              clients,
              CaseCatalog.needs(cases),
              contract,
              baselineFolder,
              released.orElse(contract))) {
        Ran ran =
            runOn(
                topology.pairs(),
                topology.skewPairs(),
                wireCases,
                knownFailures,
                () -> lastly.accept(topology.clients()));
        List<CaseResult> matrix = ran.matrix();
        List<CaseResult> skew = ran.skew();
        long wallMillis = ran.wallMillis();
        List<String> names = clients.stream().map(PeerManifest::name).toList();
        List<String> both =
            new ArrayList<>(
                skew.stream()
                    .map(CaseResult::client)
                    .filter(l -> l.endsWith("@baseline"))
                    .distinct()
                    .toList());
        both.addAll(names);
        var report =
            new InteropReport(
                new InteropReport.Section(
                    "Every client against every server", names, names, matrix),
                new InteropReport.Section("Version skew", both, both, skew),
                baselineFolder == null
                    ? "none"
                    : project.folder().relativize(baselineFolder.toAbsolutePath()).toString(),
                wallMillis);
        return reported(report, reportDir, topology.logs(), matrix, skew);
      }
    }
    try (var topology =
        ProjectTopology.start(
            project, harnessRoot, clients, CaseCatalog.needs(cases), contract, released)) {
      Ran ran =
          runOn(
              topology.pairs(),
              topology.skewPairs(),
              wireCases,
              knownFailures,
              () -> lastly.accept(topology.clients()));
      List<CaseResult> matrix = ran.matrix();
      List<CaseResult> skew = ran.skew();
      long wallMillis = ran.wallMillis();
      List<String> clientLabels = clients.stream().map(PeerManifest::name).toList();
      List<String> serverNames = project.servers().stream().map(Project.Server::name).toList();
      var report =
          new InteropReport(
              "gRPC interop matrix: " + project.name(),
              "Each peer's generic client, handed the descriptors of "
                  + project.shownAs()
                  + ", against each server of the project; a cell opens its cases.",
              new InteropReport.Section(
                  "Every client against every server", clientLabels, serverNames, matrix),
              released.isEmpty()
                  ? null
                  : new InteropReport.Section(
                      "Version skew",
                      clientLabels.stream().map(c -> c + "@baseline").toList(),
                      serverNames,
                      skew),
              "the baseline of " + project.shownAs(),
              wallMillis);
      return reported(report, reportDir, topology.logs(), matrix, skew);
    }
  }

  private record Ran(List<CaseResult> matrix, List<CaseResult> skew, long wallMillis) {}

  /**
   * The cases and the generated cases on {@code pairs}, the wire cases on {@code skewPairs}, then
   * {@code lastly}: what both kinds of topology run. A shard runs its part of each.
   */
  private Ran runOn(
      List<? extends Cell> pairs,
      List<? extends Cell> skewPairs,
      List<InteropCase> wireCases,
      KnownFailures knownFailures,
      Runnable lastly)
      throws InterruptedException {
    long start = System.nanoTime();
    var runner = new MatrixRunner(knownFailures);
    Set<String> mine = shard.isWhole() ? Set.of() : shard.take(units(pairs, skewPairs, wireCases));
    List<? extends Cell> myPairs =
        shard.isWhole() ? pairs : pairs.stream().filter(p -> mine.contains(unit(p))).toList();
    List<? extends Cell> mySkewPairs =
        shard.isWhole()
            ? skewPairs
            : skewPairs.stream().filter(p -> mine.contains(skewUnit(p))).toList();
    List<GeneratedCase> myGenerated =
        shard.isWhole()
            ? generated
            : generated.stream().filter(g -> mine.contains(unit(g))).toList();
    // A load-balancing session waits for every client that calls a server's replicas: in a shard,
    // that is the clients of the shard's pairs, not every language's.
    myPairs.stream()
        .filter(Pair.class::isInstance)
        .map(Pair.class::cast)
        .collect(Collectors.groupingBy(Pair::server, Collectors.counting()))
        .forEach((server, count) -> server.replicas().expectClients(count.intValue()));
    // The three at once: the cases' waiting (idle connections, restarts) leaves the cores to the
    // generated and skew calls.
    ExecutorService phases = Executors.newFixedThreadPool(3);
    try {
      Future<List<CaseResult>> written = phases.submit(() -> runner.run(cases, myPairs));
      // A generated case runs on every pair, whichever shard has it: its consensus needs them all.
      Future<List<CaseResult>> fromDescriptors =
          phases.submit(() -> new GeneratedRunner(knownFailures, contract).run(myGenerated, pairs));
      Future<List<CaseResult>> skewed = phases.submit(() -> runner.run(wireCases, mySkewPairs));
      List<CaseResult> matrix = new ArrayList<>(resultOf(written));
      matrix.addAll(resultOf(fromDescriptors));
      List<CaseResult> skew = resultOf(skewed);
      lastly.run();
      return new Ran(matrix, skew, (System.nanoTime() - start) / 1_000_000);
    } finally {
      phases.shutdownNow();
    }
  }

  /**
   * What a shard is dealt: each pair's written cases, each skew pair's, each generated case; each
   * costs what an earlier run measured ({@code -Dinterop.shardCosts}), else its number of calls.
   */
  private List<Shard.Unit> units(
      List<? extends Cell> pairs, List<? extends Cell> skewPairs, List<InteropCase> wireCases) {
    List<String> names = new ArrayList<>();
    Map<String, Double> calls = new HashMap<>();
    pairs.forEach(p -> calls.put(unit(p), (double) cases.size()));
    skewPairs.forEach(p -> calls.put(skewUnit(p), (double) wireCases.size()));
    generated.forEach(g -> calls.put(unit(g), (double) pairs.size()));
    pairs.forEach(p -> names.add(unit(p)));
    skewPairs.forEach(p -> names.add(skewUnit(p)));
    generated.forEach(g -> names.add(unit(g)));
    return Shard.costed(names, shardCosts, calls);
  }

  private static String unit(Cell pair) {
    return "pair " + pair.name();
  }

  private static String skewUnit(Cell pair) {
    return "skew " + pair.name();
  }

  private static String unit(GeneratedCase generated) {
    return "generated " + generated.name();
  }

  private Outcome reported(
      InteropReport report,
      Path reportDir,
      java.util.Map<String, String> logs,
      List<CaseResult> matrix,
      List<CaseResult> skew)
      throws java.io.IOException {
    report.withStaticCheck(
        staticCheck.findings(),
        staticCheck.notApplicable(),
        "the baseline of " + project.shownAs());
    if (!shard.isWhole()) {
      List<String> order = new ArrayList<>(cases.stream().map(InteropCase::name).toList());
      order.addAll(generated.stream().map(GeneratedCase::name).toList());
      report.asShard(shard, order);
    }
    report.write(reportDir, logs);
    return new Outcome(matrix, skew, staticCheck, report);
  }

  /**
   * Builds (or finds) the images of the project's servers that are built from a Dockerfile, as a
   * run does before starting them: for a caller that wants them ready ahead of the run.
   */
  public static void buildServerImages(Project project) {
    ProjectTopology.buildServerImages(project);
  }
}
