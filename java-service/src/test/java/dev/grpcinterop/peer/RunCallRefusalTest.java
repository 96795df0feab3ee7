package dev.grpcinterop.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.client.CalculatorClient;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallsRequest;
import dev.grpcinterop.interop.v1.Tls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The refusal rulebook of RunCall (peer_control.proto): each bad description is refused with
 * INVALID_ARGUMENT whose message contains the rule's phrase, the first problem in the rulebook's
 * order wins, RunCalls refuses a whole batch for one bad call, and the peer keeps serving.
 */
class RunCallRefusalTest {
  private static final String CALCULATE = "calculator.v1.CalculatorService/Calculate";
  private static final String FACTORIZE = "calculator.v1.CalculatorService/Factorize";
  private static final String NOPE = "calculator.v1.CalculatorService/Nope";

  private InProcessPeer peer;
  private PeerControlServiceGrpc.PeerControlServiceBlockingStub control;

  @BeforeEach
  void start() throws Exception {
    peer = new InProcessPeer();
    control = peer.control();
  }

  @AfterEach
  void stop() throws Exception {
    peer.close();
  }

  /** A description the peer carries out; each row spoils it. */
  private static RunCallRequest.Builder good() {
    return RunCallRequest.newBuilder()
        .setTarget("in-process")
        .setMethod(CALCULATE)
        .addRequests(
            Any.pack(
                CalculateRequest.newBuilder()
                    .setOperation(Operation.OPERATION_ADD)
                    .setLeft(CalculatorClient.integer(1))
                    .setRight(CalculatorClient.integer(1))
                    .build()))
        .setTimeout(Durations.fromSeconds(5));
  }

  private static Arguments row(
      String rule, UnaryOperator<RunCallRequest.Builder> spoil, String... phrases) {
    return Arguments.of(rule, spoil.apply(good()).build(), List.of(phrases));
  }

  private static MetadataEntry text(String key) {
    return MetadataEntry.newBuilder().setKey(key).setText("value").build();
  }

  private static MetadataEntry binary(String key) {
    return MetadataEntry.newBuilder()
        .setKey(key)
        .setBinary(ByteString.copyFromUtf8("value"))
        .build();
  }

  private static Tls.Builder tls() {
    return Tls.newBuilder().setCaCert(ByteString.copyFromUtf8("-----BEGIN CERTIFICATE-----"));
  }

  static Stream<Arguments> rulebook() {
    return Stream.of(
        row("no target", r -> r.clearTarget(), "target is required"),
        row(
            "raw with an empty method",
            r -> r.setRaw(true).setMethod(""),
            "unknown method",
            "\"\""),
        row("a method nobody declares", r -> r.setMethod(NOPE), "unknown method", NOPE),
        row(
            "a request of another type",
            r -> r.setRequests(0, Any.pack(FactorizeRequest.getDefaultInstance())),
            "is not the input type",
            "calculator.v1.CalculateRequest"),
        row(
            "a request that does not parse",
            r ->
                r.setRequests(
                    0,
                    Any.newBuilder()
                        .setTypeUrl("type.googleapis.com/calculator.v1.CalculateRequest")
                        .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff}))),
            "does not parse as",
            "calculator.v1.CalculateRequest"),
        row(
            "two requests for a unary method",
            r -> r.addRequests(r.getRequests(0)),
            "takes exactly one request"),
        row(
            "no request for a server-streaming method",
            r -> r.setMethod(FACTORIZE).clearRequests(),
            "takes exactly one request"),
        row("no timeout", r -> r.clearTimeout(), "timeout is required"),
        row("a timeout of zero", r -> r.setTimeout(Durations.fromNanos(0)), "timeout is required"),
        row(
            "a negative timeout",
            r -> r.setTimeout(Durations.fromMillis(-1)),
            "timeout is required"),
        row("an unknown compression", r -> r.setCompression("br"), "unknown compression"),
        row(
            "a -bin key with a text value",
            r -> r.addMetadata(text("x-trace-bin")),
            "must be binary"),
        row(
            "a text key with a binary value",
            r -> r.addMetadata(binary("x-trace")),
            "must be text"),
        row(
            "an unknown load-balancing policy",
            r -> r.setChannel(ChannelConfig.newBuilder().setLoadBalancingPolicy("least_request")),
            "unknown load_balancing_policy"),
        row(
            "TLS without ca_cert",
            r -> r.setChannel(ChannelConfig.newBuilder().setTls(Tls.getDefaultInstance())),
            "ca_cert is required"),
        row(
            "client_cert without client_key",
            r ->
                r.setChannel(
                    ChannelConfig.newBuilder()
                        .setTls(tls().setClientCert(ByteString.copyFromUtf8("cert")))),
            "client_cert and client_key go together"),
        row(
            "client_key without client_cert",
            r ->
                r.setChannel(
                    ChannelConfig.newBuilder()
                        .setTls(tls().setClientKey(ByteString.copyFromUtf8("key")))),
            "client_cert and client_key go together"),
        row(
            "a cancellation after 0 responses",
            r -> r.setCancel(Cancellation.newBuilder().setAfterResponses(0)),
            "after_responses must be at least 1"),
        // Two problems: the one earlier in the rulebook is named.
        row(
            "no target, and a method nobody declares",
            r -> r.clearTarget().setMethod(NOPE),
            "target is required"),
        row(
            "a method nobody declares, and no timeout",
            r -> r.setMethod(NOPE).clearTimeout(),
            "unknown method"),
        row(
            "two requests, and no timeout",
            r -> r.addRequests(r.getRequests(0)).clearTimeout(),
            "takes exactly one request"),
        row(
            "no timeout, and an unknown compression",
            r -> r.clearTimeout().setCompression("br"),
            "timeout is required"),
        row(
            "an unknown compression, and a -bin key with text",
            r -> r.setCompression("br").addMetadata(text("a-bin")),
            "unknown compression"),
        row(
            "a text key with binary, and an unknown policy",
            r ->
                r.addMetadata(binary("a"))
                    .setChannel(ChannelConfig.newBuilder().setLoadBalancingPolicy("x")),
            "must be text"),
        row(
            "an unknown policy, and TLS without ca_cert",
            r ->
                r.setChannel(
                    ChannelConfig.newBuilder()
                        .setLoadBalancingPolicy("x")
                        .setTls(Tls.getDefaultInstance())),
            "unknown load_balancing_policy"),
        row(
            "TLS without ca_cert, and a cancellation after 0 responses",
            r ->
                r.setChannel(ChannelConfig.newBuilder().setTls(Tls.getDefaultInstance()))
                    .setCancel(Cancellation.newBuilder().setAfterResponses(0)),
            "ca_cert is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rulebook")
  void runCallRefusesTheDescription(String rule, RunCallRequest bad, List<String> phrases) {
    var refused = catchThrowableOfType(StatusRuntimeException.class, () -> control.runCall(bad));
    assertThat(refused).as("RunCall should refuse %s", rule).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).contains(phrases);
    assertThat(control.runCall(good().build()).getStatus().getCode())
        .as("a good call after the refusal")
        .isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rulebook")
  void runCallsRefusesTheWholeBatch(String rule, RunCallRequest bad, List<String> phrases) {
    var batch = RunCallsRequest.newBuilder().addCalls(good()).addCalls(bad).build();
    var refused = catchThrowableOfType(StatusRuntimeException.class, () -> control.runCalls(batch));
    assertThat(refused).as("RunCalls should refuse a batch with %s", rule).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).startsWith("call 1: ").contains(phrases);
  }
}
