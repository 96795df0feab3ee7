package dev.grpcinterop.harness.contract;

/** The two versions of the built-in contract that the build compiles from the repository. */
public final class Contracts {
  private static final Contract CURRENT = Contract.fromResource("/proto.binpb", "proto/");
  private static final Contract BASELINE =
      Contract.fromResource("/proto-baseline.binpb", "proto-baseline/ (the released contract)")
          .joinedWith(CURRENT);

  private Contracts() {}

  /** proto/: what every peer image is built from. */
  public static Contract current() {
    return CURRENT;
  }

  /** proto-baseline/ with the current control contract: what baseline images are built from. */
  public static Contract baseline() {
    return BASELINE;
  }
}
