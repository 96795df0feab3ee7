package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.docker.PeerContainer;

/**
 * The names by which one language's servers are reached on the run's network, made in this one
 * place: "&lt;peer&gt;" (plaintext on 50051, TLS on 50443), "&lt;peer&gt;-wrongname" (the same
 * container by a name its certificate lacks), "&lt;peer&gt;-mtls", "&lt;peer&gt;-keepalive",
 * "&lt;peer&gt;-replicas" (one DNS name for every replica), "&lt;peer&gt;-replica-N", and
 * "&lt;peer&gt;-baseline" (built from the released contract).
 */
public record Endpoints(String peer) {
  public static final int TLS_PORT = 50443;

  public String plaintext() {
    return peer + ":" + PeerContainer.PORT;
  }

  /** The server's TLS port, by a name its certificate carries. */
  public String tls() {
    return peer + ":" + TLS_PORT;
  }

  /** The server's TLS port, by a name its certificate does not carry. */
  public String tlsWrongName() {
    return wrongNameAlias() + ":" + TLS_PORT;
  }

  /** The instance that requires client certificates. */
  public String mtls() {
    return mtlsAlias() + ":" + TLS_PORT;
  }

  /** The instance whose keepalive policy permits a ping every few seconds. */
  public String keepalive() {
    return keepaliveAlias() + ":" + PeerContainer.PORT;
  }

  /** One DNS name resolving to every replica. */
  public String replicas() {
    return "dns:///" + replicasAlias() + ":" + PeerContainer.PORT;
  }

  String wrongNameAlias() {
    return peer + "-wrongname";
  }

  String mtlsAlias() {
    return peer + "-mtls";
  }

  String keepaliveAlias() {
    return peer + "-keepalive";
  }

  String replicasAlias() {
    return peer + "-replicas";
  }

  String replicaAlias(int index) {
    return peer + "-replica-" + index;
  }

  String baselineAlias() {
    return peer + "-baseline";
  }
}
