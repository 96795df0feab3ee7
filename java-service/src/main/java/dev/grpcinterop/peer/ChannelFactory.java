package dev.grpcinterop.peer;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.Tls;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The channels of the Java client, one per target and {@link ChannelConfig}: plaintext or TLS (with
 * a client certificate for mTLS), a load-balancing policy, client-side health checking, keepalive.
 */
public final class ChannelFactory implements AutoCloseable {
  private static final int MAX_REPORT_BYTES = 64 * 1024 * 1024;

  private record Key(String target, ChannelConfig config) {}

  private final Map<Key, ManagedChannel> channels = new ConcurrentHashMap<>();

  /**
   * Refuses a configuration no channel can be made from, with the words and in the order of the
   * refusal rulebook (RunCall in peer_control.proto), before any channel is made.
   */
  static void check(ChannelConfig config) {
    switch (config.getLoadBalancingPolicy()) {
      case "", "pick_first", "round_robin" -> {}
      default ->
          throw CallRunner.invalid(
              "unknown load_balancing_policy \""
                  + config.getLoadBalancingPolicy()
                  + "\"; use pick_first or round_robin");
    }
    if (!config.hasTls()) {
      return;
    }
    Tls tls = config.getTls();
    if (tls.getCaCert().isEmpty()) {
      throw CallRunner.invalid(
          "tls.ca_cert is required: the CA that signed the server's certificate");
    }
    if (tls.getClientCert().isEmpty() != tls.getClientKey().isEmpty()) {
      throw CallRunner.invalid(
          "tls.client_cert and client_key go together: give both for mTLS, or neither");
    }
  }

  public ManagedChannel channel(String target, ChannelConfig config) {
    return channels.computeIfAbsent(new Key(target, config), key -> newChannel(target, config));
  }

  /** A channel of its own, on a connection of its own, that the caller shuts down. */
  static ManagedChannel newChannel(String target, ChannelConfig config) {
    var builder =
        Grpc.newChannelBuilder(target, credentials(config))
            // Reports of large calls travel back inside RunCall's own response.
            .maxInboundMessageSize(MAX_REPORT_BYTES);
    if (!config.getLoadBalancingPolicy().isEmpty() || config.getHealthCheck()) {
      String policy =
          config.getLoadBalancingPolicy().isEmpty()
              ? "pick_first"
              : config.getLoadBalancingPolicy();
      Map<String, Object> serviceConfig =
          config.getHealthCheck()
              ? Map.of(
                  "loadBalancingConfig", List.of(Map.of(policy, Map.of())),
                  "healthCheckConfig", Map.of("serviceName", ""))
              : Map.of("loadBalancingConfig", List.of(Map.of(policy, Map.of())));
      builder.defaultServiceConfig(serviceConfig);
    }
    if (config.hasKeepalive()) {
      var keepalive = config.getKeepalive();
      builder
          .keepAliveTime(Durations.toNanos(keepalive.getTime()), TimeUnit.NANOSECONDS)
          .keepAliveWithoutCalls(keepalive.getPermitWithoutCalls());
      if (keepalive.hasTimeout()) {
        builder.keepAliveTimeout(Durations.toNanos(keepalive.getTimeout()), TimeUnit.NANOSECONDS);
      }
    }
    return builder.build();
  }

  private static ChannelCredentials credentials(ChannelConfig config) {
    if (!config.hasTls()) {
      return InsecureChannelCredentials.create();
    }
    var tls = config.getTls();
    try {
      var credentials = TlsChannelCredentials.newBuilder().trustManager(tls.getCaCert().newInput());
      if (!tls.getClientCert().isEmpty()) {
        credentials.keyManager(tls.getClientCert().newInput(), tls.getClientKey().newInput());
      }
      return credentials.build();
    } catch (IOException | IllegalArgumentException malformed) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "the TLS certificates or key do not parse as PEM: " + malformed.getMessage())
          .asRuntimeException();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
