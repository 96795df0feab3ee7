package dev.grpcinterop.peer;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Compresses a call's responses when its request asks with "x-interop-response-compression", so
 * that the suite can check every client's decompression (server_compressed_unary).
 */
public final class ResponseCompressionInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> RESPONSE_COMPRESSION =
      Metadata.Key.of("x-interop-response-compression", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String compression = headers.get(RESPONSE_COMPRESSION);
    if (compression != null) {
      try {
        call.setCompression(compression);
      } catch (IllegalArgumentException unknown) {
        call.close(
            Status.INVALID_ARGUMENT.withDescription(
                "unknown response compression \"" + compression + "\"; use gzip or identity"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
    return next.startCall(call, headers);
  }
}
