package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeasurementTest {
  @Test
  void theMedianOfAnOddAndAnEvenNumberOfRounds() {
    assertThat(Measurement.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Measurement(2.0, 1.0, 3.0, 3));
    assertThat(Measurement.of(List.of(4.0, 1.0, 2.0, 3.0)).median()).isEqualTo(2.5);
  }

  @Test
  void roundsWithoutTheFigureAreLeftOut() {
    assertThat(Measurement.of(List.of(Double.NaN, 5.0))).isEqualTo(new Measurement(5, 5, 5, 1));
    assertThat(Measurement.of(List.of(Double.NaN)).median()).isNaN();
  }

  @Test
  void spreadAndRatioAreSharesOfTheMedian() {
    var measured = Measurement.of(List.of(90.0, 100.0, 110.0));
    assertThat(measured.relativeSpread()).isEqualTo(0.2);
    assertThat(measured.ratioTo(Measurement.of(List.of(50.0)))).isEqualTo(2.0);
    assertThat(measured.ratioTo(Measurement.of(List.of()))).isNaN();
  }
}
