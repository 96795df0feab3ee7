package dev.grpcinterop.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, for the reports' pages: the DOM after the page's scripts ran. With
 * the flags that keep it from reaching for the network (which is closed on the CI machines), and as
 * root without its sandbox.
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  /** The browser, if this machine has one: CHROMIUM, or chromium on the path. */
  static Optional<Path> find() {
    String given = System.getenv("CHROMIUM");
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given)).filter(Files::isExecutable);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The page's DOM once loaded and its scripts run. */
  static String dumpDom(Path browser, Path page) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    Path out = Files.createTempFile("dom", ".html");
    Path err = Files.createTempFile("chromium", ".log");
    var process =
        new ProcessBuilder(
                browser.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--dump-dom",
                page.toAbsolutePath().toUri().toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium did not render " + page + " within 60 s");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "Chromium exited with "
              + process.exitValue()
              + " on "
              + page
              + ": "
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
