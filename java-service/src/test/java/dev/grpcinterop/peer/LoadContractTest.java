package dev.grpcinterop.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DurationProto;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.interop.v1.EchoStatusRequest;
import dev.grpcinterop.interop.v1.LoadContractRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LoadContract: the Java client calls a contract it was never built from, with DynamicMessages. */
class LoadContractTest {
  private InProcessPeer peer;
  private PeerControlServiceGrpc.PeerControlServiceBlockingStub control;

  @BeforeEach
  void start() throws Exception {
    peer = new InProcessPeer(UnseenEcho.service());
    control = peer.control();
  }

  @AfterEach
  void stop() throws Exception {
    peer.close();
  }

  private List<String> load(FileDescriptorProto... files) {
    return control
        .loadContract(
            request(
                FileDescriptorSet.newBuilder().addAllFile(List.of(files)).build().toByteString()))
        .getServicesList();
  }

  private static LoadContractRequest request(ByteString set) {
    return LoadContractRequest.newBuilder().setFileDescriptorSet(set).build();
  }

  private RunCallResponse say(String text) {
    return control.runCall(
        RunCallRequest.newBuilder()
            .setTarget("in-process")
            .setMethod(UnseenEcho.SAY)
            .addRequests(Any.pack(UnseenEcho.request(text)))
            .setTimeout(Durations.fromSeconds(5))
            .build());
  }

  private static void assertEchoed(RunCallResponse observed, String text) throws Exception {
    assertThat(observed.getStatus().getCode()).as("status of %s", observed.getStatus()).isZero();
    assertThat(observed.getResponsesList()).hasSize(1);
    Any response = observed.getResponses(0);
    assertThat(response.getTypeUrl()).isEqualTo("type.googleapis.com/unseen.v1.EchoResponse");
    assertThat(
            UnseenEcho.text(
                DynamicMessage.parseFrom(UnseenEcho.responseType(), response.getValue())))
        .isEqualTo("echo: " + text);
  }

  private static StatusRuntimeException refusal(ThrowingCallable call) {
    var refused = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(refused).as("the call should be refused").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return refused;
  }

  @Test
  void callsAServiceTheJarWasNeverGeneratedFrom() throws Exception {
    assertThat(load(UnseenEcho.file().build())).containsExactly("unseen.v1.Echo");
    assertEchoed(say("hi"), "hi");
  }

  @Test
  void takesTheWellKnownTypesFromTheSetWhenItCarriesThem() throws Exception {
    assertThat(load(DurationProto.getDescriptor().toProto(), UnseenEcho.file().build()))
        .containsExactly("unseen.v1.Echo");
    assertEchoed(say("with its own duration.proto"), "with its own duration.proto");
  }

  @Test
  void refusesASetMissingAnImportAndKeepsTheContractBefore() throws Exception {
    load(UnseenEcho.file().build());
    var refused =
        refusal(() -> load(UnseenEcho.file().addDependency("unseen/v1/common.proto").build()));
    assertThat(refused.getStatus().getDescription())
        .contains("\"unseen/v1/echo.proto\" does not link")
        .contains("\"unseen/v1/common.proto\"");
    assertEchoed(say("still loaded"), "still loaded");
  }

  @Test
  void refusesAFileThatDoesNotLink() {
    var undefinedType = UnseenEcho.file();
    undefinedType
        .getMessageTypeBuilder(1)
        .getFieldBuilder(0)
        .setType(com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type.TYPE_MESSAGE)
        .setTypeName(".unseen.v1.Nope");
    var refused = refusal(() -> load(undefinedType.build()));
    assertThat(refused.getStatus().getDescription())
        .contains("\"unseen/v1/echo.proto\" does not link")
        .contains("unseen.v1.Nope");
  }

  @Test
  void refusesBytesThatAreNotAFileDescriptorSet() {
    var refused =
        refusal(() -> control.loadContract(request(ByteString.copyFrom(new byte[] {(byte) 0xff}))));
    assertThat(refused.getStatus().getDescription())
        .contains("does not parse as a FileDescriptorSet");
  }

  @Test
  void aLaterContractReplacesTheEarlierAndListsItsServicesSorted() {
    load(UnseenEcho.file().build());
    var other =
        FileDescriptorProto.newBuilder()
            .setName("unseen/v2/other.proto")
            .setPackage("unseen.v2")
            .setSyntax("proto3")
            .addDependency("google/protobuf/empty.proto")
            .addService(service("Zeta"))
            .addService(service("Alpha"))
            .build();
    assertThat(load(other)).containsExactly("unseen.v2.Alpha", "unseen.v2.Zeta");
    assertThat(refusal(() -> say("gone")).getStatus().getDescription())
        .contains("unknown method", UnseenEcho.SAY);
  }

  @Test
  void theLoadedContractComesFirstAndTheControlServiceStaysCallable() {
    // A contract that redefines Calculate to take an EchoRequest: the loaded definition wins.
    var redefined =
        UnseenEcho.file()
            .setName("calculator/v1/redefined.proto")
            .setPackage("calculator.v1")
            .clearService()
            .addService(
                ServiceDescriptorProto.newBuilder()
                    .setName("CalculatorService")
                    .addMethod(
                        MethodDescriptorProto.newBuilder()
                            .setName("Calculate")
                            .setInputType(".calculator.v1.EchoRequest")
                            .setOutputType(".calculator.v1.EchoResponse")))
            .build();
    assertThat(load(redefined)).containsExactly("calculator.v1.CalculatorService");
    var calculate =
        RunCallRequest.newBuilder()
            .setTarget("in-process")
            .setMethod("calculator.v1.CalculatorService/Calculate")
            .addRequests(Any.pack(CalculateRequest.getDefaultInstance()))
            .setTimeout(Durations.fromSeconds(5))
            .build();
    assertThat(refusal(() -> control.runCall(calculate)).getStatus().getDescription())
        .contains("is not the input type", "calculator.v1.EchoRequest");

    var echoStatus =
        control.runCall(
            RunCallRequest.newBuilder()
                .setTarget("in-process")
                .setMethod("interop.v1.PeerControlService/EchoStatus")
                .addRequests(
                    Any.pack(
                        EchoStatusRequest.newBuilder().setCode(5).setMessage("not here").build()))
                .setTimeout(Durations.fromSeconds(5))
                .build());
    assertThat(echoStatus.getStatus().getCode()).isEqualTo(5);
    assertThat(echoStatus.getStatus().getMessage()).isEqualTo("not here");
  }

  private static ServiceDescriptorProto service(String name) {
    return ServiceDescriptorProto.newBuilder()
        .setName(name)
        .addMethod(
            MethodDescriptorProto.newBuilder()
                .setName("Ping")
                .setInputType(".google.protobuf.Empty")
                .setOutputType(".google.protobuf.Empty"))
        .build();
  }
}
