package dev.grpcinterop.harness.peers;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.harness.topology.CertificateAuthority;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.Tls;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The descriptions every peer's RunCall must refuse, one problem each, with the phrase its
 * INVALID_ARGUMENT message must contain: the rulebook in the comment on RunCall in
 * proto/interop/v1/peer_control.proto, as data.
 */
public final class RefusalRulebook {
  /** A description with one problem: what is wrong, the phrase, and how a good call is spoilt. */
  public record Row(String problem, String phrase, UnaryOperator<RunCallRequest.Builder> spoil) {}

  private static final CertificateAuthority SOME_CA = CertificateAuthority.create("rulebook CA");

  private RefusalRulebook() {}

  /** A call every peer can make: 40 + 2 to {@code target}, with a deadline. */
  public static RunCallRequest good(String target, Duration timeout) {
    return RunCallRequest.newBuilder()
        .setTarget(target)
        .setMethod("calculator.v1.CalculatorService/Calculate")
        .addRequests(
            Any.pack(
                CalculateRequest.newBuilder()
                    .setOperation(Operation.OPERATION_ADD)
                    .setLeft(Number.newBuilder().setInteger(40))
                    .setRight(Number.newBuilder().setInteger(2))
                    .build()))
        .setTimeout(Durations.fromMillis(timeout.toMillis()))
        .build();
  }

  public static List<Row> rows() {
    return List.of(
        new Row("no target", "target is required", call -> call.clearTarget()),
        new Row(
            "a method no contract declares",
            "unknown method",
            call -> call.setMethod("calculator.v1.CalculatorService/Nope")),
        new Row(
            "a raw call with an empty method",
            "unknown method",
            call -> call.setRaw(true).setMethod("")),
        new Row(
            "a request of another type",
            "is not the input type",
            call ->
                call.setRequests(0, Any.pack(FactorizeRequest.newBuilder().setNumber(12).build()))),
        new Row(
            "a request that does not parse",
            "does not parse as",
            call ->
                call.setRequests(
                    0,
                    Any.newBuilder()
                        .setTypeUrl("type.googleapis.com/calculator.v1.CalculateRequest")
                        .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01}))
                        .build())),
        new Row(
            "two requests for a unary method",
            "takes exactly one request",
            call -> call.addRequests(call.getRequests(0))),
        new Row("no timeout", "timeout is required", call -> call.clearTimeout()),
        new Row(
            "a timeout of zero",
            "timeout is required",
            call -> call.setTimeout(Durations.fromMillis(0))),
        new Row("an unknown compression", "unknown compression", call -> call.setCompression("br")),
        new Row(
            "a -bin metadata key with a text value",
            "must be binary",
            call ->
                call.addMetadata(MetadataEntry.newBuilder().setKey("x-trace-bin").setText("text"))),
        new Row(
            "a text metadata key with a binary value",
            "must be text",
            call ->
                call.addMetadata(
                    MetadataEntry.newBuilder()
                        .setKey("x-trace")
                        .setBinary(ByteString.copyFromUtf8("b")))),
        new Row(
            "an unknown load-balancing policy",
            "unknown load_balancing_policy",
            call ->
                call.setChannel(
                    ChannelConfig.newBuilder().setLoadBalancingPolicy("least_request"))),
        new Row(
            "TLS without ca_cert",
            "ca_cert is required",
            call -> call.setChannel(ChannelConfig.newBuilder().setTls(Tls.getDefaultInstance()))),
        new Row(
            "a client certificate without its key",
            "client_cert and client_key go together",
            call ->
                call.setChannel(
                    ChannelConfig.newBuilder()
                        .setTls(
                            Tls.newBuilder()
                                .setCaCert(ByteString.copyFrom(SOME_CA.certificate()))
                                .setClientCert(ByteString.copyFrom(SOME_CA.certificate()))))),
        new Row(
            "a cancellation after 0 responses",
            "after_responses must be at least 1",
            call -> call.setCancel(Cancellation.newBuilder().setAfterResponses(0))));
  }
}
