package dev.grpcinterop.service;

import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;

/** The Calculate semantics of calculator.proto: exact int64 arithmetic, or IEEE 754 doubles. */
final class Arithmetic {
  private Arithmetic() {}

  static Number calculate(CalculateRequest request) {
    Operation operation = request.getOperation();
    if (operation == Operation.OPERATION_UNSPECIFIED) {
      throw CalculatorError.invalidArgument("operation is required", "operation", "is required");
    }
    if (operation == Operation.UNRECOGNIZED) {
      int value = request.getOperationValue();
      throw CalculatorError.invalidArgument(
          "unknown operation " + value, "operation", "unknown value " + value);
    }
    if (!request.hasLeft() || request.getLeft().getValueCase() == Number.ValueCase.VALUE_NOT_SET) {
      throw CalculatorError.invalidArgument("left operand is required", "left", "is required");
    }
    if (!request.hasRight()
        || request.getRight().getValueCase() == Number.ValueCase.VALUE_NOT_SET) {
      throw CalculatorError.invalidArgument("right operand is required", "right", "is required");
    }
    Number left = request.getLeft();
    Number right = request.getRight();
    if (operation == Operation.OPERATION_DIVIDE && isZero(right)) {
      throw CalculatorError.invalidArgument("division by zero", "right", "must not be zero");
    }
    if (isInteger(left) && isInteger(right)) {
      return integer(integerResult(operation, left.getInteger(), right.getInteger()));
    }
    return real(realResult(operation, toDouble(left), toDouble(right)));
  }

  static long add(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException overflow) {
      throw CalculatorError.integerOverflow();
    }
  }

  private static long integerResult(Operation operation, long a, long b) {
    try {
      return switch (operation) {
        case OPERATION_ADD -> Math.addExact(a, b);
        case OPERATION_SUBTRACT -> Math.subtractExact(a, b);
        case OPERATION_MULTIPLY -> Math.multiplyExact(a, b);
        case OPERATION_DIVIDE -> divide(a, b);
        default -> throw new IllegalStateException("checked above: " + operation);
      };
    } catch (ArithmeticException overflow) {
      throw CalculatorError.integerOverflow();
    }
  }

  /** Java's division already truncates toward zero; only MIN / -1 leaves int64. */
  private static long divide(long a, long b) {
    if (a == Long.MIN_VALUE && b == -1) {
      throw new ArithmeticException("overflow");
    }
    return a / b;
  }

  private static double realResult(Operation operation, double a, double b) {
    return switch (operation) {
      case OPERATION_ADD -> a + b;
      case OPERATION_SUBTRACT -> a - b;
      case OPERATION_MULTIPLY -> a * b;
      case OPERATION_DIVIDE -> a / b;
      default -> throw new IllegalStateException("checked above: " + operation);
    };
  }

  private static boolean isZero(Number number) {
    return isInteger(number) ? number.getInteger() == 0 : number.getReal() == 0.0;
  }

  static boolean isInteger(Number number) {
    return number.getValueCase() == Number.ValueCase.INTEGER;
  }

  static double toDouble(Number number) {
    return isInteger(number) ? (double) number.getInteger() : number.getReal();
  }

  static Number integer(long value) {
    return Number.newBuilder().setInteger(value).build();
  }

  static Number real(double value) {
    return Number.newBuilder().setReal(value).build();
  }
}
