package dev.grpcinterop.service;

import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java calculator server: the calculator, the standard health service and server reflection, on
 * one port, with the metadata echo that calculator.proto promises on every method. Services and
 * interceptors can be added before it starts, as the Java peer adds its control service.
 */
@Command(
    name = "calculator-server",
    mixinStandardHelpOptions = true,
    description = "Serves calculator.v1.CalculatorService with health and reflection.")
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
      description =
          "Port for TLS, served when --tls-cert-file and --tls-key-file are given. Default: ${DEFAULT-VALUE}.")
  private int tlsPort;

  @Option(
      names = "--tls-cert-file",
      defaultValue = "${env:TLS_CERT_FILE}",
      description = "PEM certificate chain for TLS.")
  private File tlsCert;

  @Option(
      names = "--tls-key-file",
      defaultValue = "${env:TLS_KEY_FILE}",
      description = "PEM private key for TLS.")
  private File tlsKey;

  @Option(
      names = "--tls-client-ca-file",
      defaultValue = "${env:TLS_CLIENT_CA_FILE}",
      description = "PEM CA: the TLS port then requires client certificates it signed (mTLS).")
  private File tlsClientCa;

  @Option(
      names = "--keepalive-permit-time-ms",
      defaultValue = "${env:KEEPALIVE_PERMIT_TIME_MS}",
      description =
          "Permit client keepalive pings this often, with or without calls; more often is too many pings."
              + " Default: grpc-java's policy (one every 5 minutes, only during calls).")
  private Long keepalivePermitTimeMs;

  private final List<BindableService> addedServices = new ArrayList<>();
  private final List<ServerInterceptor> interceptors =
      new ArrayList<>(List.of(new MetadataEchoInterceptor()));

  /** The services whose health setServing turns, "" meaning the server as a whole. */
  private final List<String> healthServices =
      new ArrayList<>(
          List.of(
              HealthStatusManager.SERVICE_NAME_ALL_SERVICES, CalculatorServiceGrpc.SERVICE_NAME));

  private final HealthStatusManager health = new HealthStatusManager();

  private Server server;
  private Server tlsServer;
  private ScheduledExecutorService pacer;

  /**
   * Serves {@code service} next to the calculator, behind the same interceptors, with a health
   * status of its own. A service that is {@link AutoCloseable} is closed when the server stops.
   */
  public CalculatorServer withService(BindableService service) {
    addedServices.add(service);
    healthServices.add(service.bindService().getServiceDescriptor().getName());
    return this;
  }

  /**
   * Runs {@code interceptor} on every call to the calculator and the added services (not health and
   * reflection). As with {@link ServerInterceptors#intercept}, the one added last sees a call
   * first.
   */
  public CalculatorServer withInterceptor(ServerInterceptor interceptor) {
    interceptors.add(interceptor);
    return this;
  }

  /** Starts serving; {@code port} 0 picks a free port, which {@link #port()} then tells. */
  public CalculatorServer start(int port) throws IOException {
    pacer = Executors.newSingleThreadScheduledExecutor(daemonThread("factorize-pacer"));
    List<BindableService> services = new ArrayList<>(List.of(new CalculatorService(pacer)));
    services.addAll(addedServices);
    server =
        serve(Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()), services);
    if (tlsCert != null && tlsKey != null) {
      var tls = TlsServerCredentials.newBuilder().keyManager(tlsCert, tlsKey);
      if (tlsClientCa != null) {
        tls.trustManager(tlsClientCa).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      tlsServer = serve(Grpc.newServerBuilderForPort(tlsPort, tls.build()), services);
      log.info(
          "calculator server listening with TLS{} on port {}",
          tlsClientCa != null ? " (mTLS)" : "",
          tlsServer.getPort());
    }
    setServing(true);
    log.info("calculator server listening on port {}", server.getPort());
    return this;
  }

  private Server serve(ServerBuilder<?> builder, List<BindableService> services)
      throws IOException {
    if (keepalivePermitTimeMs != null) {
      builder
          .permitKeepAliveTime(keepalivePermitTimeMs, TimeUnit.MILLISECONDS)
          .permitKeepAliveWithoutCalls(true);
    }
    for (BindableService service : services) {
      builder.addService(ServerInterceptors.intercept(service, interceptors));
    }
    return builder
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build()
        .start();
  }

  /** Turns the health of every service served, and of the server as a whole, for balancers. */
  public void setServing(boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    for (String service : healthServices) {
      health.setStatus(service, status);
    }
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
    List<Server> running = tlsServer == null ? List.of(server) : List.of(server, tlsServer);
    for (Server each : running) {
      each.shutdown();
    }
    for (Server each : running) {
      if (!each.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        each.shutdownNow().awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
      }
    }
    pacer.shutdownNow();
    for (BindableService service : addedServices) {
      close(service);
    }
    log.info("calculator server stopped");
  }

  private static void close(BindableService service) throws InterruptedException {
    if (!(service instanceof AutoCloseable closeable)) {
      return;
    }
    try {
      closeable.close();
    } catch (InterruptedException interrupted) {
      throw interrupted;
    } catch (Exception failed) {
      // The server has stopped serving already; a service that cannot close must not keep it alive.
      log.warn("{} did not close cleanly", service.getClass().getSimpleName(), failed);
    }
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

  /**
   * This server as a command named {@code name}: flags (each defaulting to its environment
   * variable), then serving until SIGTERM. A wrong flag or variable ends in one sentence on stderr
   * and exit code 2, a server that cannot start in one sentence and exit code 1.
   */
  public CommandLine commandLine(String name) {
    CommandLine command = new CommandLine(this).setCommandName(name);
    command.setParameterExceptionHandler(
        (wrong, args) -> {
          wrong
              .getCommandLine()
              .getErr()
              .println(name + ": " + wrong.getMessage() + "; see --help.");
          return 2;
        });
    command.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          commandLine.getErr().println(name + ": " + describe(exception));
          return 1;
        });
    return command;
  }

  /** Routes grpc-java's java.util.logging to SLF4J, for a process that runs this server. */
  public static void logThroughSlf4j() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  public static void main(String[] args) {
    logThroughSlf4j();
    System.exit(new CalculatorServer().commandLine("calculator-server").execute(args));
  }

  private static String describe(Exception exception) {
    if (exception instanceof IOException
        && exception.getCause() instanceof java.net.BindException) {
      return "cannot listen on the port ("
          + exception.getCause().getMessage()
          + "); pick another with --port, or 0 for any free port.";
    }
    return exception.getMessage();
  }

  private static ThreadFactory daemonThread(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
