package dev.grpcinterop.harness.contract;

import dev.grpcinterop.harness.docker.ImageInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The answers of the proto tools' runs, remembered by everything a run reads: its image, its
 * arguments, and the bytes of every file it is given. A run of protoc or buf is a container of
 * several seconds, and a build prepares the same protos many times over (every project run compiles
 * today's and the released protos and compares them), in this JVM and the next; an answer depends
 * on nothing else, so a second run of the same inputs would only say the same thing again. Answers
 * are kept in memory and in the user's cache ({@code $XDG_CACHE_HOME/grpc-interop/tool-runs}, else
 * {@code ~/.cache/...}), one file per run, where Docker keeps the images they came from. A run that
 * throws is not remembered: the next asks again.
 */
final class ToolRuns {
  private static final Map<String, CompletableFuture<byte[]>> ANSWERS = new ConcurrentHashMap<>();

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
  static byte[] answer(String key, Supplier<byte[]> run) {
    return answer(key, run, cacheFolder());
  }

  static byte[] answer(String key, Supplier<byte[]> run, Optional<Path> cache) {
    var mine = new CompletableFuture<byte[]>();
    var earlier = ANSWERS.putIfAbsent(key, mine);
    if (earlier == null) {
      try {
        byte[] answer = kept(cache, key).orElseGet(() -> keep(cache, key, run.get()));
        mine.complete(answer);
        return answer;
      } catch (RuntimeException | Error failed) {
        ANSWERS.remove(key, mine);
        mine.completeExceptionally(failed);
        throw failed;
      }
    }
    try {
      return earlier.get();
    } catch (ExecutionException failed) {
      // The same inputs failed in another thread just now; ask again, for this caller's own error.
      return answer(key, run, cache);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for a proto tool's run", interrupted);
    }
  }

  private static Optional<Path> cacheFolder() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return Optional.of(base.resolve("grpc-interop/tool-runs"));
  }

  private static Optional<byte[]> kept(Optional<Path> cache, String key) {
    if (cache.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(cache.get().resolve(key)));
    } catch (IOException absent) {
      return Optional.empty();
    }
  }

  /** Writes the answer whole or not at all (a cache that cannot be written is only slower). */
  private static byte[] keep(Optional<Path> cache, String key, byte[] answer) {
    if (cache.isEmpty()) {
      return answer;
    }
    try {
      Files.createDirectories(cache.get());
      Path partial = Files.createTempFile(cache.get(), key, ".partial");
      Files.write(partial, answer);
      try {
        Files.move(partial, cache.get().resolve(key), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException notHere) {
        Files.move(partial, cache.get().resolve(key), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException unwritable) {
      // Next time the tool runs again.
    }
    return answer;
  }
}
