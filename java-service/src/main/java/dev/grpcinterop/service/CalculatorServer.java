package dev.grpcinterop.service;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java calculator server: the calculator, the standard health service, server reflection and
 * the peer control service, on one port.
 */
@Command(
    name = "calculator-server",
    mixinStandardHelpOptions = true,
    description = "Serves calculator.v1.CalculatorService with health, reflection and interop control.")
public final class CalculatorServer implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(CalculatorServer.class);
  private static final long GRACE_SECONDS = 5;

  @Option(
      names = "--port",
      defaultValue = "${env:PORT:-50051}",
      description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  private int port;

  @Option(
      names = "--tls-port",
      defaultValue = "${env:TLS_PORT:-50443}",
      description = "Port for TLS, served when --tls-cert-file and --tls-key-file are given. Default: ${DEFAULT-VALUE}.")
  private int tlsPort;

  @Option(names = "--tls-cert-file", defaultValue = "${env:TLS_CERT_FILE}", description = "PEM certificate chain for TLS.")
  private java.io.File tlsCert;

  @Option(names = "--tls-key-file", defaultValue = "${env:TLS_KEY_FILE}", description = "PEM private key for TLS.")
  private java.io.File tlsKey;

  @Option(
      names = "--tls-client-ca-file",
      defaultValue = "${env:TLS_CLIENT_CA_FILE}",
      description = "PEM CA: the TLS port then requires client certificates it signed (mTLS).")
  private java.io.File tlsClientCa;

  @Option(
      names = "--keepalive-permit-time-ms",
      defaultValue = "${env:KEEPALIVE_PERMIT_TIME_MS}",
      description = "Permit client keepalive pings this often, with or without calls; more often is too many pings."
          + " Default: grpc-java's policy (one every 5 minutes, only during calls).")
  private Long keepalivePermitTimeMs;

  /** The services whose health SetServing turns, "" meaning the server as a whole. */
  static final List<String> HEALTH_SERVICES =
      List.of(
          HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
          dev.grpcinterop.calculator.v1.CalculatorServiceGrpc.SERVICE_NAME,
          dev.grpcinterop.interop.v1.PeerControlServiceGrpc.SERVICE_NAME);

  private Server server;
  private Server tlsServer;
  private HealthStatusManager health;
  private ScheduledExecutorService pacer;
  private PeerControlService control;

  /** Starts serving; {@code port} 0 picks a free port, which {@link #port()} then tells. */
  public CalculatorServer start(int port) throws IOException {
    pacer = Executors.newSingleThreadScheduledExecutor(daemonThread("factorize-pacer"));
    health = new HealthStatusManager();
    control = new PeerControlService(ServerCallLog.shared(), health);
    List<BindableService> services = List.of(new CalculatorService(pacer), control);
    server = serve(Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()), services);
    if (tlsCert != null && tlsKey != null) {
      var tls = TlsServerCredentials.newBuilder().keyManager(tlsCert, tlsKey);
      if (tlsClientCa != null) {
        tls.trustManager(tlsClientCa).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      tlsServer = serve(Grpc.newServerBuilderForPort(tlsPort, tls.build()), services);
      log.info("calculator server listening with TLS{} on port {}", tlsClientCa != null ? " (mTLS)" : "", tlsServer.getPort());
    }
    for (String service : HEALTH_SERVICES) {
      health.setStatus(service, ServingStatus.SERVING);
    }
    log.info("calculator server listening on port {}", server.getPort());
    return this;
  }

  private Server serve(io.grpc.ServerBuilder<?> builder, List<BindableService> services) throws IOException {
    if (keepalivePermitTimeMs != null) {
      builder.permitKeepAliveTime(keepalivePermitTimeMs, TimeUnit.MILLISECONDS).permitKeepAliveWithoutCalls(true);
    }
    ServerIdInterceptor serverId = ServerIdInterceptor.fromEnvironment();
    for (BindableService service : services) {
      builder.addService(
          ServerInterceptors.intercept(
              service,
              new MetadataEchoInterceptor(),
              new ResponseCompressionInterceptor(),
              serverId,
              ServerCallLog.shared().interceptor()));
    }
    return builder
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build()
        .start();
  }

  public int port() {
    return server.getPort();
  }

  /** Stops taking calls, lets those in flight finish for a few seconds, then ends the rest. */
  public void stop() throws InterruptedException {
    if (server == null) {
      return;
    }
    health.enterTerminalState();
    for (Server running : tlsServer == null ? List.of(server) : List.of(server, tlsServer)) {
      running.shutdown();
    }
    for (Server running : tlsServer == null ? List.of(server) : List.of(server, tlsServer)) {
      if (!running.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        running.shutdownNow().awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
      }
    }
    pacer.shutdownNow();
    control.close();
    log.info("calculator server stopped");
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public Integer call() throws Exception {
    start(port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    stop();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  // A JVM ended by SIGTERM exits 143 however cleanly it stopped; the contract asks
                  // for 0 after a graceful shutdown. halt is the one way to set it from a hook, and
                  // this hook is the last work there is.
                  Runtime.getRuntime().halt(0);
                },
                "graceful-shutdown"));
    blockUntilShutdown();
    return 0;
  }

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine command = new CommandLine(new CalculatorServer());
    command.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          commandLine.getErr().println("calculator-server: " + describe(exception));
          return 1;
        });
    System.exit(command.execute(args));
  }

  private static String describe(Exception exception) {
    if (exception instanceof IOException && exception.getCause() instanceof java.net.BindException) {
      return "cannot listen on the port (" + exception.getCause().getMessage()
          + "); pick another with --port, or 0 for any free port.";
    }
    return exception.getMessage();
  }

  private static java.util.concurrent.ThreadFactory daemonThread(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
