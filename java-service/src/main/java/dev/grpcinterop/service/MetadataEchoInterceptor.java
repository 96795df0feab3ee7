package dev.grpcinterop.service;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Echoes the test metadata of the official gRPC interop case custom_metadata: an initial-metadata
 * value back into the response headers, and a binary value back into the trailers.
 */
public final class MetadataEchoInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> ECHO_INITIAL =
      Metadata.Key.of("x-grpc-test-echo-initial", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<byte[]> ECHO_TRAILING =
      Metadata.Key.of("x-grpc-test-echo-trailing-bin", Metadata.BINARY_BYTE_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata requestHeaders, ServerCallHandler<Q, R> next) {
    String initial = requestHeaders.get(ECHO_INITIAL);
    byte[] trailing = requestHeaders.get(ECHO_TRAILING);
    if (initial == null && trailing == null) {
      return next.startCall(call, requestHeaders);
    }
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata headers) {
            if (initial != null) {
              headers.put(ECHO_INITIAL, initial);
            }
            super.sendHeaders(headers);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            if (trailing != null) {
              trailers.put(ECHO_TRAILING, trailing);
            }
            super.close(status, trailers);
          }
        },
        requestHeaders);
  }
}
