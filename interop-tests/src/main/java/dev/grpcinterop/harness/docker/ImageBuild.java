package dev.grpcinterop.harness.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.BuildResponseItem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * One {@code docker build} through the Docker API, which keeps the build's own output: its steps go
 * to the log as they run, and when it fails, its last lines go into the error, so that a proto that
 * does not compile reads as protoc's message, not as a time-out.
 */
final class ImageBuild {
  /**
   * Terminal colours, as protoc puts around a file name ("x.proto", ESC[0m, ":3:24: ..."): noise in
   * a log and in an error message, and they split what a reader searches for.
   */
  private static final Pattern TERMINAL_ESCAPES = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

  private static final int TAIL_LINES = 40;

  private static final Map<String, Object> SAME_JVM = new ConcurrentHashMap<>();

  private final String image;
  private final String name;
  private final String dockerfile;
  private final SortedMap<String, Path> files;
  private final Map<String, String> buildArgs;
  private final Logger log;
  private final Deque<String> tail = new ArrayDeque<>();

  /**
   * @param image what the image is, for log and errors: "python peer's image"
   * @param logger the log its steps go to: "build.python-image"
   */
  ImageBuild(
      String image,
      String logger,
      String name,
      String dockerfile,
      SortedMap<String, Path> files,
      Map<String, String> buildArgs) {
    this.image = image;
    this.name = name;
    this.dockerfile = dockerfile;
    this.files = files;
    this.buildArgs = buildArgs;
    this.log = LoggerFactory.getLogger(logger);
  }

  /**
   * Builds the image, one build of each image at a time on this machine: test JVMs running side by
   * side, or scripts/prebuild-images, would otherwise build the same image twice over, on the same
   * cores. A build another one finished meanwhile is not made again.
   */
  void run() {
    String repository = repository(name);
    // A file lock is held per JVM, not per thread: threads of one JVM queue here first.
    synchronized (SAME_JVM.computeIfAbsent(repository, r -> new Object())) {
      runLocked(repository);
    }
  }

  /** The image's name without its tag: "grpc-interop/go-peer" of "grpc-interop/go-peer:1a2b". */
  static String repository(String name) {
    int tag = name.lastIndexOf(':');
    return tag > name.lastIndexOf('/') ? name.substring(0, tag) : name;
  }

  private void runLocked(String repository) {
    // The same lock as scripts/prebuild-images takes (a POSIX lock, as Python's fcntl.lockf).
    Path lockFile =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "grpc-interop-image-build." + repository.replace('/', '_') + ".lock");
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      if (ImageInputs.imageExists(name)) {
        log.info("{} was built meanwhile by another build", name);
        return;
      }
      build();
    } catch (IOException unlockable) {
      throw new UncheckedIOException("cannot take the image-build lock " + lockFile, unlockable);
    }
  }

  private void build() {
    var build =
        DockerClientFactory.instance()
            .client()
            .buildImageCmd(new ByteArrayInputStream(context()))
            .withDockerfilePath(dockerfile)
            .withTags(Set.of(name))
            .withRemove(true)
            // Also after a failed step (a broken proto), whose container would otherwise stay
            // behind.
            .withForcerm(true);
    buildArgs.forEach(build::withBuildArg);
    Output output = new Output();
    try {
      build.exec(output).awaitImageId();
    } catch (DockerClientException | IllegalStateException failed) {
      // The error can be signalled before the last lines of output are handled: read to the end.
      try {
        output.awaitCompletion(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      String lastLines;
      synchronized (tail) {
        lastLines = String.join("\n", tail);
      }
      throw new ImageBuildException(image, dockerfile, lastLines, failed);
    }
  }

  /** The build context as a tar archive: the sizes here (a jar at most) fit in memory. */
  private byte[] context() {
    var bytes = new ByteArrayOutputStream();
    try (var tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, Path> file : files.entrySet()) {
        // Docker's classic builder keys its layer cache on each entry's header (all but the time):
        // fixed times, owners and modes keep the cache independent of checkouts, and the same as
        // for the contexts scripts/prebuild-images packs alike. An executable script stays so.
        var entry = new TarArchiveEntry(file.getKey());
        entry.setSize(Files.size(file.getValue()));
        entry.setModTime(0);
        entry.setIds(0, 0);
        entry.setNames("", "");
        entry.setMode(Files.isExecutable(file.getValue()) ? 0755 : 0644);
        tar.putArchiveEntry(entry);
        Files.copy(file.getValue(), tar);
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack the build context of the " + image, e);
    }
    return bytes.toByteArray();
  }

  private final class Output extends BuildImageResultCallback {
    /** Docker sends output in chunks that may end mid-line ("proto/x.proto" then ":3:24: ..."). */
    private final StringBuilder partialLine = new StringBuilder();

    @Override
    public void onNext(BuildResponseItem item) {
      // Remembered before the callback learns of an error, so that the error's context is kept.
      if (item.getStream() != null) {
        String text = partialLine.append(item.getStream()).toString();
        int end = text.lastIndexOf('\n');
        partialLine.setLength(0);
        partialLine.append(text, end + 1, text.length());
        for (String line : text.substring(0, end + 1).split("\n")) {
          handle(line);
        }
      }
      if (item.isErrorIndicated() && item.getErrorDetail() != null) {
        handle(partialLine.toString());
        partialLine.setLength(0);
        remember(item.getErrorDetail().getMessage());
      }
      super.onNext(item);
    }

    private void handle(String line) {
      line = TERMINAL_ESCAPES.matcher(line).replaceAll("");
      if (line.isBlank()) {
        return;
      }
      remember(line);
      if (line.startsWith("Step ")) {
        log.info(line);
      } else {
        log.debug(line);
      }
    }

    private void remember(String line) {
      synchronized (tail) {
        if (tail.size() == TAIL_LINES) {
          tail.removeFirst();
        }
        tail.addLast(line);
      }
    }
  }
}
