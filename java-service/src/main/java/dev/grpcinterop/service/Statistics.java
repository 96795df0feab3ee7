package dev.grpcinterop.service;

import dev.grpcinterop.calculator.v1.StatisticsRequest;
import dev.grpcinterop.calculator.v1.StatisticsResponse;
import java.util.Arrays;

/** The Statistics semantics of calculator.proto. */
final class Statistics {
  private Statistics() {}

  static StatisticsResponse of(StatisticsRequest request) {
    int count = request.getValuesCount();
    double[] values = new double[count];
    double sum = 0.0;
    for (int i = 0; i < count; i++) {
      double value = request.getValues(i);
      if (Double.isNaN(value)) {
        throw CalculatorError.invalidArgument(
            "values must not contain NaN", "values", "must not contain NaN");
      }
      values[i] = value;
      // Plain left-to-right addition: the contract fixes the order so that every language agrees.
      sum += value;
    }
    if (count == 0) {
      return StatisticsResponse.getDefaultInstance();
    }
    // Arrays.sort orders -0.0 before 0.0, as the contract asks.
    Arrays.sort(values);
    var response =
        StatisticsResponse.newBuilder()
            .setCount(count)
            .setSum(sum)
            .setMin(values[0])
            .setMax(values[count - 1])
            .setMean(sum / count);
    if (request.getIncludeSorted()) {
      for (double value : values) {
        response.addSorted(value);
      }
    }
    return response.build();
  }
}
