package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchmarkPageTest {
  @Test
  void everyScenarioHasAHeatMapPerFigureWithEveryCell() {
    var result = SmokeVerdictTest.result(LoadFigures.of(SmokeVerdictTest.load(2000, 0), 0.5));
    String page = BenchmarkPage.html(result);
    assertThat(page.split("<table class=\"heat\"", -1)).hasSize(5 + 1);
    assertThat(page)
        .contains("<caption>calls/s</caption>")
        .contains("<caption>server CPU per call</caption>")
        .contains("<span class=\"value\">2000</span>")
        .contains("×1.00")
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  void theBestCellIsGreenTheWorstRedAndAMissingOneGrey() {
    assertThat(BenchmarkPage.colour(100, 100, 1)).isEqualTo("hsl(120, 65%, 72%)");
    assertThat(BenchmarkPage.colour(1, 100, 1)).isEqualTo("hsl(0, 65%, 72%)");
    assertThat(BenchmarkPage.colour(10, 100, 1)).isEqualTo("hsl(60, 65%, 72%)");
    assertThat(BenchmarkPage.colour(Double.NaN, 100, 1)).isEqualTo("#e4e4e4");
  }

  @Test
  void textIsEscaped() {
    assertThat(BenchmarkPage.escape("<a href=\"x\">&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  }
}
