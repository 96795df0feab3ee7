package dev.grpcinterop.harness;

/** A peer's image did not build: the message carries the build's own error, not a time-out. */
public final class PeerImageBuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PeerImageBuildException(String peer, Throwable cause) {
    super(
        "The " + peer + " peer's image did not build (" + PeerImage.folder(peer) + "/Dockerfile): "
            + rootMessage(cause)
            + ". The build's full output is in the log above this error.",
        cause);
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
