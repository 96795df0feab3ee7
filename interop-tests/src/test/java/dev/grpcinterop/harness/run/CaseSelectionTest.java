package dev.grpcinterop.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.Mismatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaseSelectionTest {
  private static final List<InteropCase> CATALOG =
      List.of(
          named("tls_unary"),
          named("tls_streaming"),
          named("keepalive_too_many_pings"),
          named("empty_unary"));

  private static InteropCase named(String name) {
    return InteropCase.of(name, "group", pair -> Mismatch.NONE);
  }

  private static List<String> names(List<InteropCase> cases) {
    return cases.stream().map(InteropCase::name).toList();
  }

  @Test
  void nothingSelectedMeansEveryCase() {
    assertThat(CaseSelection.select(CATALOG, " ", true)).isEqualTo(CATALOG);
  }

  @Test
  void globsAndNamesSelectInCatalogOrder() {
    assertThat(names(CaseSelection.select(CATALOG, "empty_unary, tls_*", true)))
        .containsExactly("tls_unary", "tls_streaming", "empty_unary");
  }

  @Test
  void aPatternThatMatchesNothingIsAnErrorThatListsTheCases() {
    assertThatThrownBy(() -> CaseSelection.select(CATALOG, "tls_*,keepalive", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"keepalive\", which matches no case")
        .hasMessageContaining("keepalive_too_many_pings");
  }

  @Test
  void amongPartOfTheCatalogNoMatchIsNoCase() {
    assertThat(CaseSelection.select(CATALOG, "reconnection_*", false)).isEmpty();
  }
}
