package dev.grpcinterop.service;

import java.util.ArrayList;
import java.util.List;

/** Prime factors by trial division: the contract caps numbers at 10^12, so this stays fast. */
final class Factorization {
  static final long MAX_NUMBER = 1_000_000_000_000L;

  private Factorization() {}

  static List<Long> primeFactors(long number) {
    if (number < 1 || number > MAX_NUMBER) {
      throw CalculatorError.invalidArgument(
          "number must be between 1 and " + MAX_NUMBER, "number", "out of range");
    }
    List<Long> factors = new ArrayList<>();
    long rest = number;
    for (long divisor = 2; divisor * divisor <= rest; divisor++) {
      while (rest % divisor == 0) {
        factors.add(divisor);
        rest /= divisor;
      }
    }
    if (rest > 1) {
      factors.add(rest);
    }
    return factors;
  }
}
