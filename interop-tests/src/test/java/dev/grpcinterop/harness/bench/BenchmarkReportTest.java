package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {
  @Test
  void theTextMatrixHasARowPerClientAndTheFiguresOfEachCell() {
    var result = SmokeVerdictTest.result(LoadFigures.of(SmokeVerdictTest.load(2000, 0), 0.5));
    String text = BenchmarkReport.text(result);
    assertThat(text)
        .contains("Latency (unary_latency): calls/s, p50 latency")
        .contains("client \\ server")
        .containsPattern("java +2000 ±0% 2µs ×1.00");
  }

  @Test
  void theJsonHasEveryFigureOfEveryRoundAndItsRatioToTheReference() throws Exception {
    var result = SmokeVerdictTest.result(LoadFigures.of(SmokeVerdictTest.load(2000, 0), 0.5));
    var json = new ObjectMapper().readTree(BenchmarkReport.json(result));
    var cell = json.at("/scenarios/0/cells/0");
    assertThat(cell.path("client").asText()).isEqualTo("java");
    assertThat(cell.at("/figures/callsPerSecond/median").asDouble()).isEqualTo(2000);
    assertThat(cell.at("/figures/callsPerSecond/ratioToReference").asDouble()).isEqualTo(1);
    assertThat(cell.at("/figures/serverCpuMicrosPerCall/median").asDouble()).isEqualTo(250);
    assertThat(cell.at("/rounds/0/calls").asLong()).isEqualTo(2000);
    assertThat(json.at("/machine/serverCpus").asText()).isEqualTo("0");
    assertThat(json.at("/machine/clientCpus").asText()).isEqualTo("1");
  }
}
