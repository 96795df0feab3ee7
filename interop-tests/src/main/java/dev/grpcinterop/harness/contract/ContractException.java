package dev.grpcinterop.harness.contract;

/** A descriptor set that cannot be used as a contract; its message says which file and why. */
public final class ContractException extends RuntimeException {
  public ContractException(String message) {
    super(message);
  }
}
