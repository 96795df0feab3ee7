package dev.grpcinterop.harness.bench;

import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs every scenario on every client × server pair of a {@link BenchTopology}: each client's peer
 * drives the load with its own library (RunLoad), and the harness reads each server's CPU use from
 * its container meanwhile. Rounds interleave the pairs, so that a slow moment of a shared machine
 * is spread over all of them instead of spoiling one.
 */
public final class BenchmarkRun {
  private final BenchTopology topology;
  private final BenchmarkSettings settings;
  private final Consumer<String> progress;
  private Ghz ghz;

  public BenchmarkRun(
      BenchTopology topology, BenchmarkSettings settings, Consumer<String> progress) {
    this.topology = topology;
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Also runs ghz against every server in each unary scenario, round by round, to calibrate the Go
   * peer's load generator (one pair at a time only; the Go peer must be in the run).
   */
  public BenchmarkRun calibratedWith(Ghz ghz) {
    this.ghz = ghz;
    return this;
  }

  public BenchmarkResult run(List<Scenario> scenarios) throws InterruptedException {
    Instant started = Instant.now();
    List<String> clients = topology.clientNames();
    List<String> servers = topology.serverNames();
    Map<String, List<LoadFigures>> rounds = new LinkedHashMap<>();
    List<PairRounds> cells = new ArrayList<>();
    Map<String, List<Ghz.Figures>> ghzRounds = new LinkedHashMap<>();
    boolean calibrating = ghz != null && settings.onePairAtATime() && clients.contains("go");
    List<String[]> pairs = new ArrayList<>();
    for (String client : clients) {
      for (String server : servers) {
        pairs.add(new String[] {client, server});
      }
    }
    for (Scenario scenario : scenarios) {
      for (int round = 1; round <= settings.rounds(); round++) {
        if (settings.onePairAtATime()) {
          for (String[] pair : pairs) {
            progress.accept(roundOf(scenario, round) + pair[0] + " → " + pair[1]);
            record(rounds, scenario, measure(scenario, List.<String[]>of(pair)));
          }
        } else {
          progress.accept(scenario.name() + ": every pair at once");
          record(rounds, scenario, measure(scenario, pairs));
        }
        if (calibrating && scenario.calibrated()) {
          for (String server : servers) {
            progress.accept(roundOf(scenario, round) + "ghz → " + server);
            ghzRounds
                .computeIfAbsent(scenario.name() + " " + server, k -> new ArrayList<>())
                .add(
                    ghz.run(
                        topology.network(),
                        topology.cpus().clients(),
                        topology.server(server).networkTarget(),
                        scenario,
                        settings.warmup(),
                        settings.duration()));
          }
        }
      }
      for (String client : clients) {
        for (String server : servers) {
          cells.add(
              new PairRounds(
                  scenario.name(), client, server, rounds.get(key(scenario, client, server))));
        }
      }
    }
    Map<String, dev.grpcinterop.interop.v1.DescribeResponse> described = new LinkedHashMap<>();
    clients.forEach(peer -> described.put(peer, topology.described(peer)));
    List<Calibration> calibrations = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      for (String server : servers) {
        var measured = ghzRounds.get(scenario.name() + " " + server);
        if (measured != null) {
          calibrations.add(new Calibration(scenario.name(), server, measured));
        }
      }
    }
    return new BenchmarkResult(
        started,
        Duration.between(started, Instant.now()),
        settings,
        topology.cpus(),
        described,
        servers,
        scenarios,
        cells,
        calibrations);
  }

  private static void record(
      Map<String, List<LoadFigures>> rounds, Scenario scenario, Map<String, LoadFigures> measured) {
    measured.forEach(
        (pair, figures) ->
            rounds
                .computeIfAbsent(scenario.name() + " " + pair, k -> new ArrayList<>())
                .add(figures));
  }

  /** "unary_latency round 2/3: ", the start of a progress line. */
  private String roundOf(Scenario scenario, int round) {
    return scenario.name() + " round " + round + "/" + settings.rounds() + ": ";
  }

  private static String key(Scenario scenario, String client, String server) {
    return scenario.name() + " " + client + " → " + server;
  }

  /**
   * Runs the scenario's load on the pairs at once and reads their servers' CPU use over the
   * measured period; a server loaded by several clients shares its CPU among their calls.
   */
  private Map<String, LoadFigures> measure(Scenario scenario, List<String[]> pairs)
      throws InterruptedException {
    // Connecting may take a call's timeout, the load's last calls another; a load of some calls
    // takes as long as they do, each within its deadline.
    Map<String, Integer> clientsOf = new HashMap<>();
    pairs.forEach(pair -> clientsOf.merge(pair[1], 1, Integer::sum));
    int mostClients = clientsOf.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    Duration callBound =
        scenario
            .timeout()
            .multipliedBy(mostClients)
            .multipliedBy(settings.calls() > 0 ? settings.calls() + 2 : 2)
            .plusSeconds(10);
    Map<String, ListenableFuture<RunLoadResponse>> loads = new LinkedHashMap<>();
    for (String[] pair : pairs) {
      PeerContainer client = topology.client(pair[0]);
      String server = topology.server(pair[1]).networkTarget();
      loads.put(
          pair[0] + " → " + pair[1],
          PeerControlServiceGrpc.newFutureStub(client.channel())
              .withDeadlineAfter(
                  settings.warmup().plus(settings.duration()).plus(callBound).toMillis(),
                  TimeUnit.MILLISECONDS)
              .runLoad(scenario.load(server, settings, clientsOf.get(pair[1]))));
    }
    Map<String, RunLoadResponse> responses = new LinkedHashMap<>();
    Map<String, Double> serverCores;
    try (var serverCpu = new ServerCpu(pairs)) {
      for (var load : loads.entrySet()) {
        try {
          responses.put(load.getKey(), load.getValue().get());
        } catch (ExecutionException failed) {
          throw new IllegalStateException(
              load.getKey()
                  + ": RunLoad of "
                  + scenario.name()
                  + " failed: "
                  + failed.getCause().getMessage(),
              failed.getCause());
        }
      }
      serverCores = serverCpu.cores();
    }
    // A server's CPU over all its calls, shared by the calls each of its clients made.
    Map<String, Double> serverCallRate = new HashMap<>();
    for (String[] pair : pairs) {
      var figures = LoadFigures.of(responses.get(pair[0] + " → " + pair[1]), 0);
      serverCallRate.merge(pair[1], figures.callsPerSecond(), Double::sum);
    }
    Map<String, LoadFigures> measured = new LinkedHashMap<>();
    for (String[] pair : pairs) {
      RunLoadResponse response = responses.get(pair[0] + " → " + pair[1]);
      var alone = LoadFigures.of(response, 0);
      double rate = serverCallRate.get(pair[1]);
      double share = rate > 0 ? alone.callsPerSecond() / rate : 0;
      measured.put(
          pair[0] + " → " + pair[1], LoadFigures.of(response, serverCores.get(pair[1]) * share));
    }
    return measured;
  }

  /**
   * Each server's CPU use in cores over the measured period, read while the loads run: a first
   * sample as the warm-up ends, the last as the period ends (after a duration) or once every load
   * has answered (after some calls).
   */
  private final class ServerCpu implements AutoCloseable {
    private final ExecutorService readers;
    private final Map<String, ContainerCpu> cpus = new LinkedHashMap<>();
    private final Map<String, Future<ContainerCpu.Sample>> first = new LinkedHashMap<>();
    private final Map<String, Future<ContainerCpu.Sample>> last = new LinkedHashMap<>();

    ServerCpu(List<String[]> pairs) {
      pairs.forEach(
          pair ->
              cpus.computeIfAbsent(
                  pair[1], s -> ContainerCpu.of(topology.server(s).container().getContainerId())));
      readers = Executors.newFixedThreadPool(2 * cpus.size());
      long start = System.nanoTime();
      cpus.forEach(
          (server, cpu) -> {
            var firstRead = read(cpu, start, settings.warmup().minus(cpu.lead()));
            first.put(server, firstRead);
            if (settings.calls() == 0) {
              Duration end = settings.warmup().plus(settings.duration()).minus(cpu.lead());
              last.put(
                  server,
                  readers.submit(
                      () -> {
                        // Never beside the first read: it could be answered with the same sample.
                        firstRead.get();
                        sleepUntil(start, end);
                        return cpu.sample();
                      }));
            }
          });
    }

    private Future<ContainerCpu.Sample> read(ContainerCpu cpu, long start, Duration after) {
      return readers.submit(
          () -> {
            sleepUntil(start, after);
            return cpu.sample();
          });
    }

    /** Once every load has answered: the cores each server used. */
    Map<String, Double> cores() throws InterruptedException {
      // After some calls, the last sample is read now, but after the first: two reads of one
      // container at once can be answered with one sample, and no time between them.
      first.forEach(
          (server, firstRead) ->
              last.computeIfAbsent(
                  server,
                  s ->
                      readers.submit(
                          () -> {
                            firstRead.get();
                            return cpus.get(s).sample();
                          })));
      Map<String, Double> cores = new LinkedHashMap<>();
      for (String server : first.keySet()) {
        try {
          cores.put(
              server,
              ContainerCpu.cores(
                  first.get(server).get(60, TimeUnit.SECONDS),
                  last.get(server).get(60, TimeUnit.SECONDS)));
        } catch (ExecutionException | TimeoutException failed) {
          progress.accept("the " + server + " server's CPU use could not be read: " + failed);
          cores.put(server, Double.NaN);
        }
      }
      return cores;
    }

    @Override
    public void close() {
      readers.shutdownNow();
    }
  }

  private static void sleepUntil(long startNanos, Duration after) throws InterruptedException {
    long wait = startNanos + Math.max(0, after.toNanos()) - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
