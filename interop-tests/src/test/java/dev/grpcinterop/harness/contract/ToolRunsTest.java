package dev.grpcinterop.harness.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRunsTest {
  @TempDir Path dir;

  @Test
  void theSameFilesInAnotherFolderAreTheSameRun() throws Exception {
    Path one = write(dir.resolve("one"), "a.proto", "syntax = \"proto3\";");
    Path two = write(dir.resolve("two"), "a.proto", "syntax = \"proto3\";");
    assertThat(ToolRuns.key(List.of("protoc"), List.of(one)))
        .isEqualTo(ToolRuns.key(List.of("protoc"), List.of(two)));
  }

  @Test
  void aChangedByteANewFileOrAnotherArgumentIsAnotherRun() throws Exception {
    Path root = write(dir.resolve("root"), "a.proto", "syntax = \"proto3\";");
    String before = ToolRuns.key(List.of("protoc", "a.proto"), List.of(root));
    assertThat(ToolRuns.key(List.of("protoc", "b.proto"), List.of(root))).isNotEqualTo(before);
    write(root, "a.proto", "syntax = \"proto2\";");
    String changed = ToolRuns.key(List.of("protoc", "a.proto"), List.of(root));
    assertThat(changed).isNotEqualTo(before);
    write(root, "sub/b.proto", "");
    assertThat(ToolRuns.key(List.of("protoc", "a.proto"), List.of(root))).isNotEqualTo(changed);
  }

  @Test
  void anAnswerIsGivenOnceAndAFailureIsNotRemembered() {
    var runs = new AtomicInteger();
    String key = "test-" + System.nanoTime();
    Optional<Path> cache = Optional.of(dir.resolve("cache"));
    assertThatThrownBy(
            () ->
                ToolRuns.answer(
                    key,
                    () -> {
                      runs.incrementAndGet();
                      throw new ContractException("does not compile");
                    },
                    cache))
        .hasMessage("does not compile");
    assertThat(cache.get().resolve(key)).doesNotExist();
    Supplier<byte[]> counted = () -> new byte[] {(byte) runs.incrementAndGet()};
    assertThat(ToolRuns.answer(key, counted, cache)).containsExactly(2);
    assertThat(ToolRuns.answer(key, counted, cache)).containsExactly(2);
    assertThat(runs).hasValue(2);
  }

  @Test
  void anAnswerKeptInTheCacheIsTakenFromThereByTheNextBuild() throws Exception {
    Path cache = dir.resolve("cache");
    String key = "test-" + System.nanoTime();
    ToolRuns.answer(key, () -> "COMPILED".getBytes(), Optional.of(cache));
    assertThat(cache.resolve(key)).hasContent("COMPILED");
    String another = "test-" + System.nanoTime();
    Files.writeString(cache.resolve(another), "kept");
    assertThat(
            ToolRuns.answer(
                another,
                () -> {
                  throw new AssertionError("the kept answer was not used");
                },
                Optional.of(cache)))
        .isEqualTo("kept".getBytes());
  }

  private static Path write(Path root, String file, String content) throws Exception {
    Files.createDirectories(root.resolve(file).getParent());
    Files.writeString(root.resolve(file), content);
    return root;
  }
}
