package dev.grpcinterop.harness.project;

/**
 * A project file that cannot be run as written: its message names the file, the line where known,
 * what is wrong and what to do.
 */
public final class ProjectFileException extends RuntimeException {
  public ProjectFileException(String message) {
    super(message);
  }

  public ProjectFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
