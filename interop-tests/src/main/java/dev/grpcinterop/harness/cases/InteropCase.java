package dev.grpcinterop.harness.cases;

import dev.grpcinterop.harness.run.Pair;

/**
 * One cross-language case, named after the official gRPC interop case where there is one. It runs
 * on any {@link Pair} and throws {@link AssertionError} saying what was expected and what the pair
 * did when the pair breaks the contract.
 */
public interface InteropCase {
  String name();

  /** The report's section: "Calls", "Errors", "Metadata and deadlines", ... */
  String group();

  void run(Pair pair) throws Exception;

  static InteropCase of(String name, String group, Check check) {
    return new InteropCase() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String group() {
        return group;
      }

      @Override
      public void run(Pair pair) throws Exception {
        check.run(pair);
      }
    };
  }

  @FunctionalInterface
  interface Check {
    void run(Pair pair) throws Exception;
  }
}
