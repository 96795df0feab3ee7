package dev.grpcinterop.peer;

import dev.grpcinterop.service.CalculatorServer;

/**
 * The Java peer of the interop suite (docs/peer-contract.md): the calculator server, plus the
 * control service through which the suite drives grpc-java's client, plus what the contract asks of
 * every peer's server besides the calculator: response compression on request, the replica id in
 * the response headers, and the log of calls that GetServerCall reads.
 */
public final class JavaPeer {
  private JavaPeer() {}

  /** The calculator server with the peer's additions, not yet started. */
  public static CalculatorServer server() {
    var server = new CalculatorServer();
    var callLog = new ServerCallLog();
    return server
        .withService(new PeerControlService(callLog, server::setServing))
        .withInterceptor(new ResponseCompressionInterceptor())
        .withInterceptor(ServerIdInterceptor.fromEnvironment())
        // Added last, so that it sees every call first, even one the interceptors above end.
        .withInterceptor(callLog.interceptor());
  }

  public static void main(String[] args) {
    CalculatorServer.logThroughSlf4j();
    System.exit(server().commandLine("java-peer").execute(args));
  }
}
