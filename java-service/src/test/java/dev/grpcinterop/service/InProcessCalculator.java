package dev.grpcinterop.service;

import dev.grpcinterop.client.CalculatorClient;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The calculator and its interceptors behind grpc-java's in-process transport, for unit tests. */
final class InProcessCalculator implements AutoCloseable {
  final ServerCallLog callLog = new ServerCallLog();
  final ManagedChannel channel;
  private final Server server;
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
  private final PeerControlService control;

  InProcessCalculator() throws IOException {
    String name = InProcessServerBuilder.generateName();
    control = new PeerControlService(callLog, new io.grpc.protobuf.services.HealthStatusManager(), (target, config) -> channel());
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    new CalculatorService(pacer),
                    new MetadataEchoInterceptor(),
                    new ResponseCompressionInterceptor(),
                    callLog.interceptor()))
            .addService(ServerInterceptors.intercept(control, new MetadataEchoInterceptor()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  private ManagedChannel channel() {
    return channel;
  }

  CalculatorClient client() {
    return new CalculatorClient(channel, Duration.ofSeconds(5));
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    pacer.shutdownNow();
  }
}
