package dev.grpcinterop.harness.cases.procedures;

import static dev.grpcinterop.harness.cases.procedures.Calls.add;
import static dev.grpcinterop.harness.cases.procedures.Calls.factorize;
import static dev.grpcinterop.harness.cases.procedures.Calls.timeout;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.topology.Instance;
import dev.grpcinterop.harness.topology.Pair;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.Keepalive;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Client keepalive pings against the server's ping policy, within it and far beyond it. */
public final class KeepaliveCases {
  private static final Duration IDLE = Duration.ofSeconds(35);

  private KeepaliveCases() {}

  public static List<InteropCase> all() {
    return List.of(
        InteropCase.of(
                "keepalive_within_policy",
                TlsCases.GROUP,
                Set.of(Instance.KEEPALIVE),
                KeepaliveCases::withinPolicy)
            .waiting(),
        InteropCase.of("keepalive_too_many_pings", TlsCases.GROUP, KeepaliveCases::tooManyPings)
            .waiting());
  }

  /**
   * A client whose keepalive stays within the server's policy keeps its idle connection: against
   * the instance that permits pings every 5 s even without calls, a client pinging every 10 s
   * (grpc-java's floor) makes a call, idles for 35 s, and makes another on the same channel, which
   * must arrive on the same connection: the server sees the same client address. Three pings in
   * that idle time are three strikes against the default policy (one ping in 5 minutes), which
   * grpc-java and C-core servers answer with GOAWAY too_many_pings: aimed at the default-policy
   * instance, this case fails for them, which is what makes its pass mean something. Whether each
   * ping was sent is not observable from here.
   */
  private static Mismatch withinPolicy(Pair pair) throws InterruptedException {
    ChannelConfig withinPolicy = keepalive(Duration.ofSeconds(10));
    String before = UUID.randomUUID().toString();
    Mismatch first = keepaliveCall(pair, withinPolicy, before).in("the first call");
    if (!first.isEmpty()) {
      return first;
    }
    Thread.sleep(IDLE.toMillis());
    String after = UUID.randomUUID().toString();
    Mismatch second =
        keepaliveCall(pair, withinPolicy, after).in("a call after " + IDLE.toSeconds() + " s idle");
    if (!second.isEmpty()) {
      return second;
    }
    var instance = pair.server().keepalive();
    String firstPeer = pair.serverCall(instance, before).getPeer();
    String secondPeer = pair.serverCall(instance, after).getPeer();
    if (firstPeer.isEmpty() || !firstPeer.equals(secondPeer)) {
      return Mismatch.of(
          "the client address the server saw for a call after "
              + IDLE.toSeconds()
              + " s idle"
              + " (a different one means the connection was closed and a new one made)",
          quoted(firstPeer),
          quoted(secondPeer));
    }
    return Mismatch.NONE;
  }

  /** One call to the server's keepalive instance, which must succeed. */
  private static Mismatch keepaliveCall(Pair pair, ChannelConfig channel, String callId) {
    var call =
        timeout(
            add(1, 1)
                .setChannel(channel)
                .addMetadata(
                    MetadataEntry.newBuilder().setKey("x-interop-call-id").setText(callId)),
            Duration.ofSeconds(5));
    return Calls.expect(pair, call, pair.endpoints().keepalive(), Expectation.ok(Calls.result(2)));
  }

  /**
   * A client that pings far more often than the server's keepalive policy allows (every library's
   * default: no more than once in 5 minutes; this instance keeps it) is sent GOAWAY too_many_pings,
   * and its call fails with UNAVAILABLE instead of hanging. grpc-java will not ping more often than
   * every 10 s, so a Java client gets there after three pings.
   */
  private static Mismatch tooManyPings(Pair pair) {
    // Six factors, one every 5 s: a call that outlives several pings, mostly waiting.
    var call =
        timeout(
            factorize(64, Duration.ofSeconds(5)).setChannel(keepalive(Duration.ofSeconds(1))),
            Duration.ofSeconds(45));
    RunCallResponse observed = pair.call(call);
    Status.Code code = Status.fromCodeValue(observed.getStatus().getCode()).getCode();
    return code == Status.Code.UNAVAILABLE
        ? Mismatch.NONE
        : Mismatch.of(
            "status of a call on a channel that pings every second, against the server's keepalive policy",
            "UNAVAILABLE",
            code + " \"" + observed.getStatus().getMessage() + "\"");
  }

  private static ChannelConfig keepalive(Duration every) {
    return ChannelConfig.newBuilder()
        .setKeepalive(
            Keepalive.newBuilder()
                .setTime(Durations.fromNanos(every.toNanos()))
                .setTimeout(Durations.fromSeconds(5))
                .setPermitWithoutCalls(true))
        .build();
  }

  private static String quoted(String address) {
    return address.isEmpty() ? "(none)" : "\"" + address + "\"";
  }
}
