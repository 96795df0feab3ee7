package dev.grpcinterop.harness.cases.procedures;

import static dev.grpcinterop.harness.cases.procedures.Calls.add;
import static dev.grpcinterop.harness.cases.procedures.Calls.calculate;
import static dev.grpcinterop.harness.cases.procedures.Calls.expect;
import static dev.grpcinterop.harness.cases.procedures.Calls.over;
import static dev.grpcinterop.harness.cases.procedures.Calls.result;
import static dev.grpcinterop.harness.cases.procedures.Calls.runningAverage;

import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RunningAverageResponse;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.topology.Instance;
import dev.grpcinterop.harness.topology.Pair;
import dev.grpcinterop.interop.v1.ChannelConfig;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * TLS and mTLS between languages: each server serves TLS with a certificate of the run's CA, a
 * second instance requires client certificates, and every way of getting it wrong is refused with
 * UNAVAILABLE within the deadline, never a hang.
 */
public final class TlsCases {
  private static final Set<Instance> MTLS = Set.of(Instance.MTLS);
  static final String GROUP = "Transport and deployment";
  private static final Duration REFUSED_WITHIN = Duration.ofSeconds(5);

  private TlsCases() {}

  public static List<InteropCase> all() {
    return List.of(
        InteropCase.of(
            "tls_unary",
            GROUP,
            pair ->
                expect(
                    pair,
                    over(add(40, 2), pair.credentials().tls()),
                    pair.endpoints().tls(),
                    Expectation.ok(result(42)))),
        InteropCase.of(
            "tls_streaming",
            GROUP,
            pair ->
                expect(
                    pair,
                    over(runningAverage(2, 4).setPingPong(true), pair.credentials().tls()),
                    pair.endpoints().tls(),
                    Expectation.ok(average(1, 2), average(2, 3)))),
        InteropCase.of(
            "mtls",
            GROUP,
            MTLS,
            pair ->
                expect(
                    pair,
                    over(calculate(Operation.OPERATION_MULTIPLY, 6, 7), pair.credentials().mtls()),
                    pair.endpoints().mtls(),
                    Expectation.ok(result(42)))),
        InteropCase.of("mtls_wrong_ca", GROUP, MTLS, TlsCases::mtlsWrongCa),
        InteropCase.of(
            "mtls_without_client_certificate",
            GROUP,
            MTLS,
            pair -> refused(pair, pair.endpoints().mtls(), pair.credentials().tls())),
        InteropCase.of(
            "tls_hostname_mismatch",
            GROUP,
            pair -> refused(pair, pair.endpoints().tlsWrongName(), pair.credentials().tls())),
        InteropCase.of(
            "plaintext_client_to_tls_server",
            GROUP,
            pair -> refused(pair, pair.endpoints().tls(), ChannelConfig.getDefaultInstance())),
        InteropCase.of(
            "tls_client_to_plaintext_server",
            GROUP,
            pair -> refused(pair, pair.endpoints().plaintext(), pair.credentials().tls())));
  }

  /** The connection is refused: the call fails UNAVAILABLE within its deadline, never hangs. */
  private static Mismatch refused(Pair pair, String target, ChannelConfig channel) {
    return expect(
            pair,
            Calls.timeout(add(1, 1).setChannel(channel), REFUSED_WITHIN),
            target,
            Expectation.code(Status.Code.UNAVAILABLE))
        .in(target);
  }

  /** A client certificate from another CA is refused, and the server still serves the right one. */
  private static Mismatch mtlsWrongCa(Pair pair) {
    String mtls = pair.endpoints().mtls();
    return refused(pair, mtls, pair.credentials().mtlsWrongCa())
        .in("a certificate another CA signed")
        .and(
            expect(
                    pair,
                    over(add(1, 1), pair.credentials().mtls()),
                    mtls,
                    Expectation.ok(result(2)))
                .in("then a certificate of the run's CA"));
  }

  private static RunningAverageResponse average(long count, double average) {
    return RunningAverageResponse.newBuilder().setCount(count).setAverage(average).build();
  }
}
