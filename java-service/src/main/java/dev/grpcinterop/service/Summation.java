package dev.grpcinterop.service;

import dev.grpcinterop.calculator.v1.Number;
import java.util.List;

/** The Sum semantics of calculator.proto: exact while every value is an integer, else doubles. */
final class Summation {
  private Summation() {}

  static Number sum(List<Number> values) {
    if (values.stream().allMatch(Arithmetic::isInteger)) {
      long sum = 0;
      for (Number value : values) {
        sum = Arithmetic.add(sum, value.getInteger());
      }
      return Arithmetic.integer(sum);
    }
    double sum = 0.0;
    for (Number value : values) {
      sum += Arithmetic.toDouble(value);
    }
    return Arithmetic.real(sum);
  }
}
