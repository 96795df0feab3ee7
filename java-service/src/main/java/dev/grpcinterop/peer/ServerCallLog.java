package dev.grpcinterop.peer;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the server saw of each call that carries an "x-interop-call-id": its method, the deadline it
 * had left, whether it was cancelled, and the client address it came from. The suite reads it back
 * through GetServerCall, so that server-side observations need no test logic in the server.
 */
public final class ServerCallLog {
  public static final Metadata.Key<String> CALL_ID =
      Metadata.Key.of("x-interop-call-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final int CAPACITY = 10_000;

  private final Map<String, GetServerCallResponse> calls =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, GetServerCallResponse> eldest) {
          return size() > CAPACITY;
        }
      };

  public ServerCallLog() {}

  public synchronized Optional<GetServerCallResponse> find(String callId) {
    return Optional.ofNullable(calls.get(callId));
  }

  private synchronized void record(String callId, GetServerCallResponse call) {
    calls.put(callId, call);
  }

  private synchronized void markCancelled(String callId) {
    calls.computeIfPresent(callId, (id, call) -> call.toBuilder().setCancelled(true).build());
  }

  public ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String callId = headers.get(CALL_ID);
        if (callId == null) {
          return next.startCall(call, headers);
        }
        var record =
            GetServerCallResponse.newBuilder()
                .setMethod(call.getMethodDescriptor().getFullMethodName());
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
          record.setDeadlineRemaining(
              Durations.fromNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS))));
        }
        // ResponseCompressionInterceptor applies exactly what was asked, when it is gzip.
        if ("gzip".equals(headers.get(ResponseCompressionInterceptor.RESPONSE_COMPRESSION))) {
          record.setResponseCompression("gzip");
        }
        if (call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
            instanceof InetSocketAddress remote) {
          record.setPeer(hostPort(remote));
        }
        record(callId, record.build());
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
          @Override
          public void onCancel() {
            markCancelled(callId);
            super.onCancel();
          }
        };
      }
    };
  }

  /**
   * "ip:port", an IPv6 address in brackets, as the contract's GetServerCallResponse.peer has it.
   */
  static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host)
        + ":"
        + address.getPort();
  }
}
