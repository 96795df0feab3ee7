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

/** The calculator and its metadata echo behind grpc-java's in-process transport, for unit tests. */
final class InProcessCalculator implements AutoCloseable {
  final ManagedChannel channel;
  private final Server server;
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

  InProcessCalculator() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    new CalculatorService(pacer), new MetadataEchoInterceptor()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
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
