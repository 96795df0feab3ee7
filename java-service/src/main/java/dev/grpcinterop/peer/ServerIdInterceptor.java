package dev.grpcinterop.peer;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Names the replica that served a call in its response headers, for load-balancing cases. */
public final class ServerIdInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> SERVER_ID =
      Metadata.Key.of("x-interop-server-id", Metadata.ASCII_STRING_MARSHALLER);

  private final String serverId;

  public ServerIdInterceptor(String serverId) {
    this.serverId = serverId;
  }

  /** SERVER_ID from the environment, else the host name (a container's id by default). */
  public static ServerIdInterceptor fromEnvironment() {
    String configured = System.getenv("SERVER_ID");
    if (configured != null && !configured.isBlank()) {
      return new ServerIdInterceptor(configured);
    }
    try {
      return new ServerIdInterceptor(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException unknown) {
      return new ServerIdInterceptor("unknown");
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(SERVER_ID, serverId);
            super.sendHeaders(responseHeaders);
          }
        },
        headers);
  }
}
