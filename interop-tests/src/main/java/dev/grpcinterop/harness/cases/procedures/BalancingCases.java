package dev.grpcinterop.harness.cases.procedures;

import static dev.grpcinterop.harness.cases.procedures.Calls.add;
import static dev.grpcinterop.harness.cases.procedures.Calls.call;
import static dev.grpcinterop.harness.cases.procedures.Calls.timeout;

import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.topology.Instance;
import dev.grpcinterop.harness.topology.Pair;
import dev.grpcinterop.harness.topology.ReplicaSessions;
import dev.grpcinterop.harness.topology.Replicas;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import dev.grpcinterop.interop.v1.SetServingRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Load balancing over three replicas behind one DNS name, each naming itself in
 * "x-interop-server-id": round_robin reaches them all, a stopped or unhealthy one gets no calls,
 * and a restarted server is reconnected to. Every client of a case checks the same change of the
 * replicas, made once ({@link ReplicaSessions}).
 */
public final class BalancingCases {
  private static final Set<Instance> REPLICAS = Set.of(Instance.REPLICAS);
  private static final ChannelConfig ROUND_ROBIN =
      ChannelConfig.newBuilder().setLoadBalancingPolicy("round_robin").build();

  /**
   * A replica that just restarted may have a new address, which a client learns when it re-resolves
   * the name (grpc-java waits at least 30 s between resolutions), and a client in reconnect backoff
   * waits before it retries (1 s, growing 1.6 times, with jitter: about 10 s by the sixth try): so
   * batches go on until every live replica served, for up to 75 s. 40 s was once too short for java
   * → java, with replica-1 restarted by four clients' replica_stopped.
   */
  private static final Duration EVERY_REPLICA_WITHIN = Duration.ofSeconds(75);

  /**
   * gRPC's reconnect backoff starts at 1 s and grows 1.6 times, with jitter: 20 s covers a few
   * tries.
   */
  private static final Duration RECONNECTED_WITHIN = Duration.ofSeconds(20);

  private BalancingCases() {}

  public static List<InteropCase> all() {
    String group = TlsCases.GROUP;
    return List.of(
        InteropCase.of(
                "round_robin_over_replicas",
                group,
                REPLICAS,
                pair ->
                    pair.server()
                        .replicas()
                        .join(
                            "round_robin_over_replicas",
                            replicas ->
                                servedBy(
                                        pair,
                                        replicas.size(),
                                        ownChannel("round_robin_over_replicas"),
                                        true)
                                    .mismatch()))
            .waiting(),
        InteropCase.of("replica_stopped", group, REPLICAS, BalancingCases::replicaStopped)
            .waiting(),
        InteropCase.of(
                "health_aware_balancing", group, REPLICAS, BalancingCases::healthAwareBalancing)
            .waiting(),
        InteropCase.of(
                "reconnection_after_server_restart", group, REPLICAS, BalancingCases::reconnection)
            .waiting());
  }

  /**
   * A round_robin channel of the case's own. A channel that saw a replica stop has resolved the
   * name without it, and a client re-resolves only when a connection fails, so a channel shared
   * with an earlier case would not find a restarted replica: each case starts from a fresh one.
   */
  private static ChannelConfig ownChannel(String caseName) {
    return ROUND_ROBIN.toBuilder().setChannelKey(caseName).build();
  }

  /** The replicas that served, and what went wrong on the way. */
  private record Served(Set<String> replicas, Mismatch mismatch) {}

  /**
   * Batches of 30 calls over {@code channel} until {@code live} replicas served or time is up. With
   * {@code everyCallSucceeds}, a failed call is a mismatch: no call is in flight on a replica when
   * it stops, so the bound on failed calls is zero. Without, failed calls are only left out of the
   * count (health-aware balancing asserts where calls go, not that none fails while health streams
   * settle).
   */
  private static Served servedBy(
      Pair pair, int live, ChannelConfig channel, boolean everyCallSucceeds)
      throws InterruptedException {
    String target = pair.endpoints().replicas();
    RunCallRequest call = add(1, 1).setChannel(channel).setTarget(target).build();
    // The first call makes the channel, which then connects to every replica it resolves.
    pair.call(call, target);
    Thread.sleep(500);
    List<RunCallRequest> batch = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      batch.add(call);
    }
    Set<String> servedBy = new TreeSet<>();
    long giveUpAt = System.nanoTime() + EVERY_REPLICA_WITHIN.toNanos();
    do {
      for (RunCallResponse result : pair.callAllTo(batch)) {
        if (everyCallSucceeds && result.getStatus().getCode() != 0) {
          return new Served(
              servedBy,
              Mismatch.of(
                  "a load-balanced call to " + target,
                  "OK",
                  result.getStatus().toString().strip()));
        }
        result.getHeadersList().stream()
            .filter(h -> h.getKey().equals("x-interop-server-id"))
            .forEach(h -> servedBy.add(h.getText()));
      }
    } while (servedBy.size() < live && System.nanoTime() < giveUpAt);
    Mismatch mismatch =
        servedBy.size() == live
            ? Mismatch.NONE
            : Mismatch.of(
                "replicas that served batches of 30 round_robin calls to "
                    + target
                    + " (x-interop-server-id) within "
                    + EVERY_REPLICA_WITHIN.toSeconds()
                    + " s",
                live + " replicas",
                servedBy.toString());
    return new Served(servedBy, mismatch);
  }

  /**
   * A replica stops gracefully, once for every client: the calls after it go to the others, none
   * fails.
   */
  private static Mismatch replicaStopped(Pair pair) throws Exception {
    return pair.server()
        .replicas()
        .join(
            "replica_stopped",
            new ReplicaSessions.Part<Mismatch>() {
              @Override
              public void change(List<PeerContainer> replicas) {
                Replicas.stop(replicas.get(0));
              }

              @Override
              public Mismatch check(List<PeerContainer> replicas) throws Exception {
                PeerContainer stopped = replicas.get(0);
                Served served =
                    servedBy(pair, replicas.size() - 1, ownChannel("replica_stopped"), true);
                return served
                    .mismatch()
                    .and(stillServing(stopped, served))
                    .in("after " + stopped.label() + " stopped");
              }

              @Override
              public void undo(List<PeerContainer> replicas) throws Exception {
                Replicas.start(replicas.get(0));
                awaitServing(pair, replicas.get(0));
              }
            });
  }

  /**
   * With client-side health checking, a replica whose health turns NOT_SERVING gets no new calls.
   */
  private static Mismatch healthAwareBalancing(Pair pair) throws Exception {
    return pair.server()
        .replicas()
        .join(
            "health_aware_balancing",
            new ReplicaSessions.Part<Mismatch>() {
              @Override
              public void change(List<PeerContainer> replicas) throws InterruptedException {
                Mismatch set = setServing(pair, replicas.get(1), false);
                if (!set.isEmpty()) {
                  throw new IllegalStateException(set.describe());
                }
                // The health watch tells the clients at once; give their balancers a moment to
                // act on it.
                Thread.sleep(500);
              }

              @Override
              public Mismatch check(List<PeerContainer> replicas) throws Exception {
                PeerContainer sick = replicas.get(1);
                ChannelConfig healthAware =
                    ownChannel("health_aware_balancing").toBuilder().setHealthCheck(true).build();
                Served served = servedBy(pair, replicas.size() - 1, healthAware, false);
                return served
                    .mismatch()
                    .and(stillServing(sick, served))
                    .in("while " + sick.label() + " reports NOT_SERVING");
              }

              @Override
              public void undo(List<PeerContainer> replicas) {
                setServing(pair, replicas.get(1), true);
              }
            });
  }

  private static Mismatch stillServing(PeerContainer excluded, Served served) {
    return served.replicas().contains(excluded.label())
        ? Mismatch.of(
            "replicas that served",
            "none of them " + excluded.label(),
            served.replicas().toString())
        : Mismatch.NONE;
  }

  /**
   * The server restarts, once for every client, each connected to it before: a client's next calls
   * succeed once it has reconnected, within its backoff.
   */
  private static Mismatch reconnection(Pair pair) throws Exception {
    RunCallRequest call = timeout(add(2, 2), Duration.ofSeconds(2));
    // The first call also connects (a name to resolve, a connection to make): on a loaded machine
    // that alone has taken over 2 s, which is no failure of reconnecting.
    RunCallRequest first = timeout(add(2, 2), Calls.TIMEOUT);
    RunCallResponse[] before = new RunCallResponse[1];
    return pair.server()
        .replicas()
        .join(
            "reconnection_after_server_restart",
            new ReplicaSessions.Part<Mismatch>() {
              @Override
              public void before(List<PeerContainer> replicas) {
                before[0] = pair.call(first, restarted(replicas));
              }

              @Override
              public void change(List<PeerContainer> replicas) throws InterruptedException {
                Replicas.stop(last(replicas));
                Replicas.start(last(replicas));
              }

              @Override
              public Mismatch check(List<PeerContainer> replicas) throws InterruptedException {
                String target = restarted(replicas);
                if (before[0].getStatus().getCode() != 0) {
                  return Mismatch.of(
                      "a call to " + target + " before the restart",
                      "OK",
                      before[0].getStatus().toString().strip());
                }
                long giveUpAt = System.nanoTime() + RECONNECTED_WITHIN.toNanos();
                RunCallResponse latest;
                do {
                  latest = pair.call(call, target);
                  if (latest.getStatus().getCode() == 0) {
                    return Mismatch.NONE;
                  }
                  Thread.sleep(250);
                } while (System.nanoTime() < giveUpAt);
                return Mismatch.of(
                    "a call to "
                        + target
                        + " within "
                        + RECONNECTED_WITHIN.toSeconds()
                        + " s of the server's restart",
                    "OK",
                    "the last status was " + latest.getStatus().toString().strip());
              }
            });
  }

  private static PeerContainer last(List<PeerContainer> replicas) {
    return replicas.get(replicas.size() - 1);
  }

  private static String restarted(List<PeerContainer> replicas) {
    return replicaTarget(last(replicas));
  }

  /**
   * Waits until a restarted replica answers again, so that the next case finds every replica up.
   */
  private static void awaitServing(Pair pair, PeerContainer replica) throws InterruptedException {
    RunCallRequest call = timeout(add(0, 0), Duration.ofSeconds(2));
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    RunCallResponse last;
    do {
      last = pair.call(call, replicaTarget(replica));
      if (last.getStatus().getCode() == 0) {
        return;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < giveUpAt);
    throw new IllegalStateException(
        replica.label() + " did not serve again within 60 s of its restart: " + last.getStatus());
  }

  /**
   * Through the client peer, over the run's network: replicas are restarted, so host ports move.
   */
  private static Mismatch setServing(Pair pair, PeerContainer replica, boolean serving) {
    RunCallResponse set =
        pair.call(
            call(
                    "interop.v1.PeerControlService/SetServing",
                    SetServingRequest.newBuilder().setServing(serving).build())
                .build(),
            replicaTarget(replica));
    return set.getStatus().getCode() == 0
        ? Mismatch.NONE
        : Mismatch.of(
            "SetServing(" + serving + ") on " + replica.label(),
            "OK",
            set.getStatus().toString().strip());
  }

  private static String replicaTarget(PeerContainer replica) {
    return replica.networkTarget();
  }
}
