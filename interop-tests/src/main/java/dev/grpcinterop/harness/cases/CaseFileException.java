package dev.grpcinterop.harness.cases;

/**
 * A case file that cannot be read: its message names the file, the line where known, and the fix.
 */
public final class CaseFileException extends RuntimeException {
  public CaseFileException(String message) {
    super(message);
  }
}
