package dev.grpcinterop.harness.docker;

/** A peer's image did not build: the message carries the build's own last lines. */
public final class PeerImageBuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PeerImageBuildException(String peer, String dockerfile, String lastLines, Throwable cause) {
    super(
        "The "
            + peer
            + " peer's image did not build from "
            + dockerfile
            + ": "
            + cause.getMessage()
            + "\nThe build's last lines:\n"
            + lastLines.indent(4),
        cause);
  }
}
