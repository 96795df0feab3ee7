package dev.grpcinterop.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.FactorizeResponse;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.client.CalculatorClient;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.GetServerCallRequest;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control service driving grpc-java's own client, and the call log it reads back. */
class PeerControlServiceTest {
  private static final String CALCULATE = "calculator.v1.CalculatorService/Calculate";
  private static final String FACTORIZE = "calculator.v1.CalculatorService/Factorize";

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

  private static RunCallRequest.Builder call(
      String method, com.google.protobuf.Message... requests) {
    var call =
        RunCallRequest.newBuilder()
            .setTarget("in-process")
            .setMethod(method)
            .setTimeout(Durations.fromSeconds(5));
    for (var request : requests) {
      call.addRequests(Any.pack(request));
    }
    return call;
  }

  private static CalculateRequest add(long a, long b) {
    return CalculateRequest.newBuilder()
        .setOperation(Operation.OPERATION_ADD)
        .setLeft(CalculatorClient.integer(a))
        .setRight(CalculatorClient.integer(b))
        .build();
  }

  @Test
  void describesTheJavaPeer() {
    var java = control.describe(DescribeRequest.getDefaultInstance());
    assertThat(java.getLanguage()).isEqualTo("java");
    assertThat(java.getGrpcLibrary()).startsWith("grpc-java 1.");
    assertThat(java.getProtobufLibrary()).startsWith("protobuf-java 4.");
  }

  @Test
  void runsAUnaryCallAndEchoesMetadata() throws Exception {
    byte[] trailing = {0, 1, 2, (byte) 0xff};
    RunCallResponse observed =
        control.runCall(
            call(CALCULATE, add(2, 40))
                .addMetadata(
                    MetadataEntry.newBuilder().setKey("x-grpc-test-echo-initial").setText("hello"))
                .addMetadata(
                    MetadataEntry.newBuilder()
                        .setKey("x-grpc-test-echo-trailing-bin")
                        .setBinary(ByteString.copyFrom(trailing)))
                .setCompression("gzip")
                .build());
    assertThat(observed.getStatus().getCode()).isZero();
    assertThat(observed.getResponsesList())
        .singleElement()
        .satisfies(
            any ->
                assertThat(any.unpack(CalculateResponse.class).getResult())
                    .isEqualTo(CalculatorClient.integer(42)));
    assertThat(observed.getHeadersList())
        .contains(
            MetadataEntry.newBuilder().setKey("x-grpc-test-echo-initial").setText("hello").build());
    assertThat(observed.getTrailersList())
        .contains(
            MetadataEntry.newBuilder()
                .setKey("x-grpc-test-echo-trailing-bin")
                .setBinary(ByteString.copyFrom(trailing))
                .build());
  }

  @Test
  void reportsAFailedCallWithItsRichStatus() throws Exception {
    var divideByZero =
        CalculateRequest.newBuilder()
            .setOperation(Operation.OPERATION_DIVIDE)
            .setLeft(CalculatorClient.integer(1))
            .setRight(CalculatorClient.integer(0))
            .build();
    RunCallResponse observed = control.runCall(call(CALCULATE, divideByZero).build());
    assertThat(observed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(observed.getStatus().getMessage()).isEqualTo("division by zero");
    var details = com.google.rpc.Status.parseFrom(observed.getStatus().getDetails());
    assertThat(details.getMessage()).isEqualTo("division by zero");
    assertThat(
            details
                .getDetails(0)
                .unpack(com.google.rpc.BadRequest.class)
                .getFieldViolations(0)
                .getField())
        .isEqualTo("right");
  }

  @Test
  void cancelsAfterTheFirstResponseAndTheServerSeesIt() throws Exception {
    var slow =
        FactorizeRequest.newBuilder().setNumber(1024).setInterval(Durations.fromMillis(50)).build();
    RunCallResponse observed =
        control.runCall(
            call(FACTORIZE, slow)
                .addMetadata(
                    MetadataEntry.newBuilder().setKey("x-interop-call-id").setText("cancel-1"))
                .setCancel(Cancellation.newBuilder().setAfterResponses(1))
                .build());
    assertThat(observed.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED.value());
    assertThat(observed.getResponsesList())
        .singleElement()
        .satisfies(any -> assertThat(any.unpack(FactorizeResponse.class).getFactor()).isEqualTo(2));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              var seen =
                  control.getServerCall(
                      GetServerCallRequest.newBuilder().setCallId("cancel-1").build());
              assertThat(seen.getMethod()).isEqualTo(FACTORIZE);
              assertThat(seen.getCancelled()).isTrue();
              assertThat(Durations.toMillis(seen.getDeadlineRemaining())).isBetween(1L, 5_000L);
            });
  }

  @Test
  void rawCallsReachAnyPathWithUntouchedBytes() throws Exception {
    var unknownMethod =
        control.runCall(
            call("calculator.v1.CalculatorService/Nope")
                .setRaw(true)
                .addRequests(Any.getDefaultInstance())
                .build());
    assertThat(unknownMethod.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED.value());

    byte[] withUnknownField =
        com.google.common.primitives.Bytes.concat(
            add(40, 2).toByteArray(), new byte[] {(byte) 0x98, 0x06, 0x07}); // field 99, varint 7
    var answered =
        control.runCall(
            call(CALCULATE)
                .setRaw(true)
                .addRequests(Any.newBuilder().setValue(ByteString.copyFrom(withUnknownField)))
                .build());
    assertThat(answered.getStatus().getCode()).isZero();
    assertThat(CalculateResponse.parseFrom(answered.getResponses(0).getValue()).getResult())
        .isEqualTo(CalculatorClient.integer(42));
    assertThat(answered.getResponses(0).getTypeUrl()).isEmpty();
  }

  @Test
  void runCallsMultiplexesEveryCallAtOnce() {
    var batch = dev.grpcinterop.interop.v1.RunCallsRequest.newBuilder();
    for (int i = 0; i < 60; i++) {
      batch.addCalls(
          i % 2 == 0
              ? call(CALCULATE, add(i, 1)).build()
              : call(FACTORIZE, FactorizeRequest.newBuilder().setNumber(12).build()).build());
    }
    var results = control.runCalls(batch.build()).getResultsList();
    assertThat(results).hasSize(60);
    for (int i = 0; i < 60; i++) {
      assertThat(results.get(i).getStatus().getCode()).isZero();
      assertThat(results.get(i).getResponsesCount()).isEqualTo(i % 2 == 0 ? 1 : 3);
    }
    var refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                control.runCalls(
                    batch.setCalls(7, call(CALCULATE, add(1, 1)).clearTimeout()).build()));
    assertThat(refused.getStatus().getDescription()).isEqualTo("call 7: timeout is required");
  }

  @Test
  void echoStatusEndsTheCallWithExactlyTheMessageAsked() {
    String special =
        "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n";
    var observed =
        control.runCall(
            call(
                    "interop.v1.PeerControlService/EchoStatus",
                    dev.grpcinterop.interop.v1.EchoStatusRequest.newBuilder()
                        .setCode(2)
                        .setMessage(special)
                        .build())
                .build());
    assertThat(observed.getStatus().getCode()).isEqualTo(2);
    assertThat(observed.getStatus().getMessage()).isEqualTo(special);
  }

  @Test
  void compressesResponsesWhenAsked() {
    var observed =
        control.runCall(
            call(CALCULATE, add(1, 2))
                .addMetadata(
                    MetadataEntry.newBuilder()
                        .setKey("x-interop-response-compression")
                        .setText("gzip"))
                .build());
    assertThat(observed.getStatus().getCode()).isZero();
    var unknown =
        control.runCall(
            call(CALCULATE, add(1, 2))
                .addMetadata(
                    MetadataEntry.newBuilder()
                        .setKey("x-interop-response-compression")
                        .setText("zstd"))
                .build());
    assertThat(unknown.getStatus().getMessage())
        .isEqualTo("unknown response compression \"zstd\"; use gzip or identity");
  }

  @Test
  void unknownServerCallIsNotFound() {
    var failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                control.getServerCall(GetServerCallRequest.newBuilder().setCallId("nope").build()));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(failure.getStatus().getDescription()).isEqualTo("no call with id nope");
  }
}
