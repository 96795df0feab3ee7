package dev.grpcinterop.harness.project;

import java.nio.file.Path;

/** The built-in calculator's project file, {@code interop.yaml} at the harness's root. */
public final class BuiltInProject {
  public static final String FILE = "interop.yaml";

  private BuiltInProject() {}

  public static Project read(Path root) {
    return ProjectFile.read(root.resolve(FILE), FILE);
  }
}
