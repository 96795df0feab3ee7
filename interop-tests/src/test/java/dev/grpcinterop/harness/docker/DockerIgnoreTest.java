package dev.grpcinterop.harness.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DockerIgnoreTest {
  @Test
  void theLastMatchingLineDecidesAndAFolderTakesItsFiles() {
    var ignore =
        DockerIgnore.parse(
            List.of("# comment", "*", "!proto", "!servers/", "servers/*/node_modules", ""));
    assertThat(ignore.test("interop.yaml")).isTrue();
    assertThat(ignore.test("cases/orders.yaml")).isTrue();
    assertThat(ignore.test("proto/shop/v1/shop.proto")).isFalse();
    assertThat(ignore.test("servers/node/server.js")).isFalse();
    assertThat(ignore.test("servers/node/node_modules/x/index.js")).isTrue();
  }

  @Test
  void noRulesLeaveEverythingIn() {
    assertThat(DockerIgnore.parse(List.of()).test("anything/at/all")).isFalse();
  }
}
