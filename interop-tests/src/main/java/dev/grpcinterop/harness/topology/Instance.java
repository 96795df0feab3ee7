package dev.grpcinterop.harness.topology;

/**
 * The instances of a language's server that cases may need besides the peer itself, so that a run
 * of a few cases starts only what they use.
 */
public enum Instance {
  /**
   * An instance serving TLS: every peer serves it on its TLS port; a user's server provides one
   * where the project file says how.
   */
  TLS,
  /** The instance that requires client certificates. */
  MTLS,
  /** The instance whose keepalive policy permits a ping every few seconds. */
  KEEPALIVE,
  /** Three replicas behind one DNS name. */
  REPLICAS
}
