package dev.grpcinterop.harness.cases;

import dev.grpcinterop.harness.run.Pair;

import static org.assertj.core.api.Assertions.assertThat;

/** A case that is one call and its expected outcome: the commonest kind, pure data. */
record CallCase(String name, String group, Scenario scenario, Outcome expected) implements InteropCase {
  @Override
  public void run(Pair pair) {
    Outcome observed = pair.observed(pair.call(scenario.call()), scenario.contractMessage());
    assertThat(observed)
        .as("%s :: %s: what the %s client observed calling the %s server", pair.name(), name,
            pair.clientLabel(), pair.serverLabel())
        .isEqualTo(expected);
  }
}
