package dev.grpcinterop.harness.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image built from one folder as its build context, as {@code docker build <folder>} would, its
 * {@code .dockerignore} honoured: a user's server, or one of the harness's tools. Tagged by a hash
 * of its inputs, so that an unchanged folder is built once.
 */
public final class FolderImage {
  private static final Logger log = LoggerFactory.getLogger(FolderImage.class);

  private final String description;
  private final String repository;
  private final String dockerfile;
  private final SortedMap<String, Path> files = new TreeMap<>();
  private String resolved;

  /**
   * @param description what the image is, for the log and errors: "image of server api"
   * @param repository the image name without its tag: "interop-user/shop-api"
   * @param dockerfile the Dockerfile's path within {@code folder}
   */
  public FolderImage(String description, String repository, Path folder, String dockerfile) {
    this.description = description;
    this.repository = repository;
    this.dockerfile = dockerfile;
    DockerIgnore ignored = DockerIgnore.of(folder);
    ImageInputs.add(
        files,
        "",
        folder,
        file -> !ignored.test(folder.relativize(file).toString().replace('\\', '/')));
    // As docker build does: the Dockerfile goes to the engine even where .dockerignore leaves it
    // out.
    ImageInputs.add(files, dockerfile, folder.resolve(dockerfile), file -> true);
  }

  /**
   * Also puts the machine's extra CA certificates ({@code INTEROP_EXTRA_CA_DIR}) at {@code
   * contextPath}, for a build whose downloads pass a TLS-inspecting proxy; nothing when unset.
   */
  public FolderImage withExtraCa(String contextPath) {
    String extraCa = System.getenv("INTEROP_EXTRA_CA_DIR");
    if (extraCa != null && !extraCa.isBlank() && Files.isDirectory(Path.of(extraCa))) {
      ImageInputs.add(
          files,
          contextPath,
          Path.of(extraCa),
          file -> file.getFileName().toString().endsWith(".crt"));
    }
    resolved = null;
    return this;
  }

  /** Also puts {@code source} (a file or a folder) at {@code contextPath} of the build context. */
  public FolderImage withInput(String contextPath, Path source) {
    ImageInputs.add(files, contextPath, source, file -> true);
    resolved = null;
    return this;
  }

  /** The image's name, building it first unless an image of the same inputs exists. */
  public synchronized String resolve() {
    if (resolved != null) {
      return resolved;
    }
    // The Dockerfile's path is an input too: two Dockerfiles may share one context.
    var dockerfileArg = new TreeMap<String, String>(java.util.Map.of("dockerfile", dockerfile));
    String name = repository + ":" + ImageInputs.hash(files, dockerfileArg);
    if (ImageInputs.imageExists(name)) {
      log.info("reusing {} {}", description, name);
    } else {
      log.info("building {} {} from {} files", description, name, files.size());
      long start = System.nanoTime();
      new ImageBuild(
              description,
              "build." + repository.substring(repository.lastIndexOf('/') + 1),
              name,
              dockerfile,
              files,
              java.util.Map.of())
          .run();
      log.info("built {} in {} s", name, (System.nanoTime() - start) / 1_000_000_000);
    }
    resolved = name;
    return name;
  }
}
