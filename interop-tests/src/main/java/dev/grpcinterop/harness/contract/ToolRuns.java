package dev.grpcinterop.harness.contract;

import dev.grpcinterop.harness.docker.ImageInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The answers of the proto tools' runs, remembered for the life of the JVM by everything a run
 * reads: its image, its arguments, and the bytes of every file it is given. A run of protoc or buf
 * is a container of several seconds, and the suite prepares the same protos many times over (every
 * project run compiles today's and the released protos and compares them); an answer depends on
 * nothing else, so a second run of the same inputs would only say the same thing again. A run that
 * throws is not remembered: the next asks again.
 */
final class ToolRuns {
  private static final Map<String, CompletableFuture<Object>> ANSWERS = new ConcurrentHashMap<>();

  private ToolRuns() {}

  /** What identifies a run: the words given (image, arguments) and every file under each tree. */
  static String key(List<String> words, List<Path> trees) {
    SortedMap<String, Path> files = new TreeMap<>();
    for (int i = 0; i < trees.size(); i++) {
      Path tree = trees.get(i);
      String prefix = i + "/";
      if (Files.isRegularFile(tree)) {
        files.put(prefix, tree);
        continue;
      }
      try (Stream<Path> walk = Files.walk(tree)) {
        walk.filter(Files::isRegularFile)
            .forEach(file -> files.put(prefix + tree.relativize(file), file));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + tree, e);
      }
    }
    SortedMap<String, String> arguments = new TreeMap<>();
    for (int i = 0; i < words.size(); i++) {
      arguments.put(String.format("%04d", i), words.get(i));
    }
    return ImageInputs.hash(files, arguments);
  }

  /** The answer of the run {@code key} names: remembered, or {@code run} now (once at a time). */
  @SuppressWarnings("unchecked")
  static <T> T answer(String key, Supplier<T> run) {
    var mine = new CompletableFuture<Object>();
    var earlier = ANSWERS.putIfAbsent(key, mine);
    if (earlier == null) {
      try {
        T answer = run.get();
        mine.complete(answer);
        return answer;
      } catch (RuntimeException | Error failed) {
        ANSWERS.remove(key, mine);
        mine.completeExceptionally(failed);
        throw failed;
      }
    }
    try {
      return (T) earlier.get();
    } catch (ExecutionException failed) {
      // The same inputs failed in another thread just now; ask again, for this caller's own error.
      return answer(key, run);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for a proto tool's run", interrupted);
    }
  }
}
