package dev.grpcinterop.harness.cases.procedures;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.cases.DataCase;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.ExpectationCheck;
import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.Observation;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.harness.topology.Instance;
import dev.grpcinterop.harness.topology.TlsTargets;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.RunCallRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * TLS and mTLS between languages, on any server that serves TLS with a certificate of the run's CA
 * (every peer; a user's server whose project file says how): written cases, the probes, repeated
 * over TLS must keep their expectations, an instance requiring client certificates accepts the
 * run's and refuses a stranger's, and every way of getting it wrong is refused with UNAVAILABLE
 * within the deadline, never a hang.
 */
public final class TlsCases {
  private static final Set<Instance> TLS = Set.of(Instance.TLS);
  private static final Set<Instance> MTLS = Set.of(Instance.TLS, Instance.MTLS);
  static final String GROUP = "Transport and deployment";
  private static final Duration REFUSED_WITHIN = Duration.ofSeconds(5);

  private TlsCases() {}

  /**
   * The TLS cases, "tls_&lt;probe&gt;" for each probe and the mTLS and refusal cases with the
   * first; with no probe, each is there to say so.
   */
  public static List<InteropCase> all(List<DataCase> probes) {
    if (probes.isEmpty()) {
      return WITHOUT_PROBE.stream().map(TlsCases::withoutProbe).toList();
    }
    List<InteropCase> cases = new ArrayList<>();
    for (DataCase probe : probes) {
      cases.add(
          onTls(
              "tls_" + probe.name(),
              (cell, tls) -> expect(cell, probe, over(probe, tls.credentials().tls()), tls.tls())));
    }
    DataCase first = probes.get(0);
    cases.add(
        onMtls(
            "mtls",
            (cell, tls, mtls) -> expect(cell, first, over(first, tls.credentials().mtls()), mtls)));
    cases.add(onMtls("mtls_wrong_ca", (cell, tls, mtls) -> mtlsWrongCa(cell, first, tls, mtls)));
    cases.add(
        onMtls(
            "mtls_without_client_certificate",
            (cell, tls, mtls) -> refused(cell, first, mtls, tls.credentials().tls())));
    cases.add(
        onTls(
            "tls_hostname_mismatch",
            (cell, tls) -> refused(cell, first, tls.tlsWrongName(), tls.credentials().tls())));
    cases.add(
        onTls(
            "plaintext_client_to_tls_server",
            (cell, tls) -> refused(cell, first, tls.tls(), ChannelConfig.getDefaultInstance())));
    cases.add(
        onTls(
            "tls_client_to_plaintext_server",
            (cell, tls) -> refused(cell, first, null, tls.credentials().tls())));
    return cases;
  }

  private static final List<String> WITHOUT_PROBE =
      List.of(
          "tls",
          "mtls",
          "mtls_wrong_ca",
          "mtls_without_client_certificate",
          "tls_hostname_mismatch",
          "plaintext_client_to_tls_server",
          "tls_client_to_plaintext_server");

  @FunctionalInterface
  private interface OnTls {
    Mismatch run(Cell cell, TlsTargets tls) throws Exception;
  }

  @FunctionalInterface
  private interface OnMtls {
    Mismatch run(Cell cell, TlsTargets tls, String mtls) throws Exception;
  }

  private static InteropCase onTls(String name, OnTls procedure) {
    return InteropCase.onCells(
        name,
        GROUP,
        TLS,
        cell -> cell.tls().isPresent() ? Optional.empty() : Optional.of(noTls(cell)),
        cell -> procedure.run(cell, cell.tls().orElseThrow()));
  }

  private static InteropCase onMtls(String name, OnMtls procedure) {
    Function<Cell, Optional<String>> notApplicable =
        cell -> {
          if (cell.tls().isEmpty()) {
            return Optional.of(noTls(cell));
          }
          return cell.tls().get().mtls().isPresent()
              ? Optional.empty()
              : Optional.of(
                  cell.serverLabel()
                      + " requires no client certificates in this run: its entry in the project"
                      + " file does not say how (provides.mtls)");
        };
    return InteropCase.onCells(
        name,
        GROUP,
        MTLS,
        notApplicable,
        cell -> {
          TlsTargets tls = cell.tls().orElseThrow();
          return procedure.run(cell, tls, tls.mtls().orElseThrow());
        });
  }

  private static String noTls(Cell cell) {
    return cell.serverLabel()
        + " serves no TLS in this run: its entry in the project file does not say how"
        + " (provides.tls)";
  }

  private static InteropCase withoutProbe(String name) {
    return InteropCase.onCells(
        name,
        GROUP,
        Set.of(),
        cell ->
            Optional.of(
                "the project file names no probes: the written cases that the TLS cases repeat"
                    + " over TLS and mTLS"),
        cell -> {
          throw new IllegalStateException(name + " has no probe to run");
        });
  }

  /** The probe's call over {@code channel}. */
  private static RunCallRequest over(DataCase probe, ChannelConfig channel) {
    return probe.call().toBuilder().setChannel(channel).build();
  }

  /** The probe's call, as changed, made to {@code target}, against the probe's expectation. */
  private static Mismatch expect(Cell cell, DataCase probe, RunCallRequest call, String target) {
    var reported = target == null ? cell.call(call) : cell.call(call, target);
    return ExpectationCheck.check(
        probe.expect(), Observation.of(reported, cell.clientContract(), probe.rawResponseType()));
  }

  /**
   * The connection is refused: the probe's call, to {@code target} (the server's own address when
   * null), fails UNAVAILABLE within its deadline, never hangs.
   */
  private static Mismatch refused(Cell cell, DataCase probe, String target, ChannelConfig channel) {
    RunCallRequest call =
        probe.call().toBuilder()
            .setChannel(channel)
            .setTimeout(Durations.fromNanos(REFUSED_WITHIN.toNanos()))
            .build();
    var reported = target == null ? cell.call(call) : cell.call(call, target);
    Mismatch mismatch =
        ExpectationCheck.check(
            Expectation.code(Status.Code.UNAVAILABLE),
            Observation.of(reported, cell.clientContract(), probe.rawResponseType()));
    return target == null ? mismatch.in("the server's plaintext port") : mismatch.in(target);
  }

  /** A client certificate from another CA is refused, and the server still serves the right one. */
  private static Mismatch mtlsWrongCa(Cell cell, DataCase probe, TlsTargets tls, String mtls) {
    return refused(cell, probe, mtls, tls.credentials().mtlsWrongCa())
        .in("a certificate another CA signed")
        .and(
            expect(cell, probe, over(probe, tls.credentials().mtls()), mtls)
                .in("then a certificate of the run's CA"));
  }
}
