package dev.grpcinterop.harness.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocErrorsTest {
  @TempDir Path folder;

  @Test
  void namesEachFileByItsPathOnTheMachine() throws IOException {
    Path first = Files.createDirectories(folder.resolve("a"));
    Path second = Files.createDirectories(folder.resolve("b/shop/v1"));
    Files.writeString(second.resolve("shop.proto"), "");
    String explained =
        ProtocErrors.explain(
            "shop/v1/shop.proto:12:3: \"Moneyy\" is not defined.\n"
                + "/in/0/x.proto: File not found.\n"
                + "other line\n",
            List.of(first, folder.resolve("b")));
    assertThat(explained.lines())
        .containsExactly(
            second.resolve("shop.proto") + ":12:3: \"Moneyy\" is not defined.",
            first.resolve("x.proto") + ": File not found.",
            "other line");
  }
}
