package dev.grpcinterop.peer;

import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.service.CalculatorService;
import dev.grpcinterop.service.MetadataEchoInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The calculator and the control service with the peer's interceptors, as {@link JavaPeer} serves
 * them, behind grpc-java's in-process transport; the control service's client calls this same
 * server, whatever the target.
 */
final class InProcessPeer implements AutoCloseable {
  final ServerCallLog callLog = new ServerCallLog();
  final ManagedChannel channel;
  private final Server server;
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

  /**
   * @param alsoServed services the peer's client may be asked to call besides the calculator
   */
  InProcessPeer(ServerServiceDefinition... alsoServed) throws IOException {
    String name = InProcessServerBuilder.generateName();
    channel = InProcessChannelBuilder.forName(name).build();
    var control =
        new PeerControlService(
            callLog,
            serving -> {},
            (target, config) -> channel,
            (target, config) -> InProcessChannelBuilder.forName(name).build());
    var builder =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    new CalculatorService(pacer),
                    new MetadataEchoInterceptor(),
                    new ResponseCompressionInterceptor(),
                    callLog.interceptor()))
            .addService(ServerInterceptors.intercept(control, new MetadataEchoInterceptor()));
    for (ServerServiceDefinition service : alsoServed) {
      builder.addService(service);
    }
    server = builder.build().start();
  }

  /** A stub of the peer's control service, with the deadline every test call has. */
  PeerControlServiceGrpc.PeerControlServiceBlockingStub control() {
    return PeerControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    pacer.shutdownNow();
  }
}
