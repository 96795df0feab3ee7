package dev.grpcinterop.harness.docker;

/** An image did not build: the message carries the build's own last lines. */
public final class ImageBuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param image what the image is, for the reader: "python peer's image"
   */
  ImageBuildException(String image, String dockerfile, String lastLines, Throwable cause) {
    super(
        "The "
            + image
            + " did not build from "
            + dockerfile
            + ": "
            + cause.getMessage()
            + "\nThe build's last lines:\n"
            + lastLines.indent(4),
        cause);
  }
}
