package dev.grpcinterop.harness.cases.procedures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.harness.cases.DataCase;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.harness.topology.RunCredentials;
import dev.grpcinterop.harness.topology.TlsTargets;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsCasesTest {
  private static final DataCase PROBE =
      new DataCase(
          "list_books",
          "Catalog",
          "cases/catalog.yaml:4",
          RunCallRequest.newBuilder().setMethod("shop.v1.ShopService/ListProducts").build(),
          Expectation.ok(),
          Optional.empty());

  @Test
  void eachProbeIsRepeatedOverTlsAndTheFirstMakesTheOtherCases() {
    assertThat(TlsCases.all(List.of(PROBE)))
        .extracting(InteropCase::name)
        .containsExactly(
            "tls_list_books",
            "mtls",
            "mtls_wrong_ca",
            "mtls_without_client_certificate",
            "tls_hostname_mismatch",
            "plaintext_client_to_tls_server",
            "tls_client_to_plaintext_server");
  }

  @Test
  void whatAServerDoesNotProvideIsNotApplicableWithTheReason() {
    var plain = new Server(Optional.empty());
    var tlsOnly =
        new Server(
            Optional.of(
                new TlsTargets("api-tls:1", "api-tls-wrongname:1", Optional.empty(), null)));
    var cases = TlsCases.all(List.of(PROBE));
    InteropCase tls = cases.get(0);
    InteropCase mtls = cases.get(1);
    assertThat(tls.notApplicableTo(plain))
        .hasValueSatisfying(r -> assertThat(r).contains("api serves no TLS", "provides.tls"));
    assertThat(tls.notApplicableTo(tlsOnly)).isEmpty();
    assertThat(mtls.notApplicableTo(tlsOnly))
        .hasValueSatisfying(
            r -> assertThat(r).contains("api requires no client certificates", "provides.mtls"));
  }

  @Test
  void withoutProbesEveryCaseSaysSo() {
    var cell =
        new Server(
            Optional.of(new TlsTargets("a:1", "b:1", Optional.of("c:1"), new RunCredentials())));
    assertThat(TlsCases.all(List.of()))
        .allSatisfy(
            c ->
                assertThat(c.notApplicableTo(cell))
                    .hasValueSatisfying(r -> assertThat(r).contains("names no probes")));
  }

  /** A cell that is never called: the cases are only asked whether they apply. */
  private record Server(Optional<TlsTargets> tls) implements Cell {
    @Override
    public String name() {
      return "java → api";
    }

    @Override
    public String clientLabel() {
      return "java";
    }

    @Override
    public String serverLabel() {
      return "api";
    }

    @Override
    public String clientPeer() {
      return "java";
    }

    @Override
    public String serverPeer() {
      return "api";
    }

    @Override
    public Contract clientContract() {
      throw new UnsupportedOperationException();
    }

    @Override
    public RunCallResponse call(RunCallRequest call) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RunCallResponse call(RunCallRequest call, String target) {
      throw new UnsupportedOperationException();
    }
  }
}
