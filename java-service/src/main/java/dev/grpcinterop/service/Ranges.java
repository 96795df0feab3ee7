package dev.grpcinterop.service;

import dev.grpcinterop.calculator.v1.RangeRequest;

/** The checks of Range, in the contract's order, before any message is sent. */
final class Ranges {
  static final long MAX_COUNT = 1_000_000;

  private Ranges() {}

  /** Refuses a request the contract refuses; a valid one is sent as it is. */
  static void check(RangeRequest request) {
    long count = request.getCount();
    if (count < 0 || count > MAX_COUNT) {
      throw CalculatorError.invalidArgument(
          "count must be between 0 and " + MAX_COUNT, "count", "out of range");
    }
    if (count > 0) {
      try {
        Math.addExact(request.getStart(), count - 1);
      } catch (ArithmeticException overflow) {
        throw CalculatorError.integerOverflow();
      }
    }
  }
}
