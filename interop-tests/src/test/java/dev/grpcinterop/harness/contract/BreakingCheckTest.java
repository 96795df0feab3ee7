package dev.grpcinterop.harness.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BreakingCheckTest {
  @Test
  void eachFindingIsOneLineAsACompilerWritesIt() {
    String buf =
        "{\"path\":\"shop/v1/shop.proto\",\"start_line\":12,\"start_column\":3,"
            + "\"type\":\"FIELD_NO_DELETE\",\"message\":\"Previously present field \\\"7\\\" was"
            + " deleted. See https://buf.build/docs/breaking for more.\"}\n"
            + "not json\n";
    assertThat(BreakingCheck.parse(buf, "proto"))
        .containsExactly(
            "proto/shop/v1/shop.proto:12:3: FIELD_NO_DELETE: Previously present field \"7\" was"
                + " deleted.",
            "not json");
  }
}
