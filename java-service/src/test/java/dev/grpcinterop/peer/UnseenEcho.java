package dev.grpcinterop.peer;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.DynamicMessage;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

/**
 * A contract this jar was never generated from, as protoc would compile it:
 *
 * <pre>
 * // unseen/v1/echo.proto
 * syntax = "proto3";
 * package unseen.v1;
 * import "google/protobuf/duration.proto";
 * message EchoRequest { string text = 1; google.protobuf.Duration delay = 2; }
 * message EchoResponse { string text = 1; }
 * service Echo { rpc Say(EchoRequest) returns (EchoResponse); }
 * </pre>
 *
 * and a server of it built from its descriptors alone, which answers "echo: " and the text.
 */
final class UnseenEcho {
  static final String FILE = "unseen/v1/echo.proto";
  static final String SAY = "unseen.v1.Echo/Say";

  private UnseenEcho() {}

  static FileDescriptorProto.Builder file() {
    return FileDescriptorProto.newBuilder()
        .setName(FILE)
        .setPackage("unseen.v1")
        .setSyntax("proto3")
        .addDependency(DurationProto.getDescriptor().getName())
        .addMessageType(
            DescriptorProto.newBuilder()
                .setName("EchoRequest")
                .addField(field("text", 1, FieldDescriptorProto.Type.TYPE_STRING))
                .addField(
                    field("delay", 2, FieldDescriptorProto.Type.TYPE_MESSAGE)
                        .setTypeName(".google.protobuf.Duration")))
        .addMessageType(
            DescriptorProto.newBuilder()
                .setName("EchoResponse")
                .addField(field("text", 1, FieldDescriptorProto.Type.TYPE_STRING)))
        .addService(
            ServiceDescriptorProto.newBuilder()
                .setName("Echo")
                .addMethod(
                    MethodDescriptorProto.newBuilder()
                        .setName("Say")
                        .setInputType(".unseen.v1.EchoRequest")
                        .setOutputType(".unseen.v1.EchoResponse")));
  }

  static FieldDescriptorProto.Builder field(
      String name, int number, FieldDescriptorProto.Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setJsonName(name)
        .setNumber(number)
        .setType(type)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
  }

  /** The test's own view of the file, linked independently of the peer's. */
  static FileDescriptor descriptor() {
    try {
      return FileDescriptor.buildFrom(
          file().build(), new FileDescriptor[] {DurationProto.getDescriptor()});
    } catch (DescriptorValidationException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  static Descriptor requestType() {
    return descriptor().findMessageTypeByName("EchoRequest");
  }

  static Descriptor responseType() {
    return descriptor().findMessageTypeByName("EchoResponse");
  }

  static DynamicMessage request(String text) {
    Descriptor type = requestType();
    return DynamicMessage.newBuilder(type)
        .setField(type.findFieldByName("text"), text)
        .setField(type.findFieldByName("delay"), com.google.protobuf.util.Durations.fromMillis(1))
        .build();
  }

  static String text(DynamicMessage message) {
    return (String) message.getField(message.getDescriptorForType().findFieldByName("text"));
  }

  /** unseen.v1.Echo, served from DynamicMessages: no generated class of it exists anywhere. */
  static ServerServiceDefinition service() {
    Descriptor requestType = requestType();
    Descriptor responseType = responseType();
    var say =
        MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(SAY)
            .setRequestMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(requestType)))
            .setResponseMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(responseType)))
            .build();
    return ServerServiceDefinition.builder("unseen.v1.Echo")
        .addMethod(
            say,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  responses.onNext(
                      DynamicMessage.newBuilder(responseType)
                          .setField(responseType.findFieldByName("text"), "echo: " + text(request))
                          .build());
                  responses.onCompleted();
                }))
        .build();
  }
}
