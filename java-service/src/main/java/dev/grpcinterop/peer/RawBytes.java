package dev.grpcinterop.peer;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes bytes through untouched, so that the peer on the other side alone parses them. */
enum RawBytes implements MethodDescriptor.Marshaller<Object> {
  INSTANCE;

  /** Any path, as a bidirectional stream of bytes: what every gRPC call is on the wire. */
  static MethodDescriptor<Object, Object> method(String path) {
    return MethodDescriptor.<Object, Object>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
        .setFullMethodName(path)
        .setRequestMarshaller(INSTANCE)
        .setResponseMarshaller(INSTANCE)
        .build();
  }

  @Override
  public InputStream stream(Object bytes) {
    return new ByteArrayInputStream((byte[]) bytes);
  }

  @Override
  public Object parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw Status.INTERNAL
          .withDescription("cannot read a response")
          .withCause(e)
          .asRuntimeException();
    }
  }
}
