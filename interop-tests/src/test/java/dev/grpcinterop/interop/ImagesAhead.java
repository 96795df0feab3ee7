package dev.grpcinterop.interop;

import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.ProjectFile;
import dev.grpcinterop.harness.project.ProjectRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Builds, as the integration tests start, every image they will need, two at a time in the
 * background: the suites run one after the other, and each otherwise builds its images when it
 * reaches them, so that on a machine without them a suite waits for builds a later one could have
 * had ready (the example shop's servers, built last, cost a cold run a minute and a half). Each
 * build holds the image's lock, so a suite that needs an image being built waits for it rather than
 * building it again. Only an optimisation: a build that fails here fails again, with its message,
 * in the suite that needs it. Failsafe turns it on (interop.imagesAhead); a unit-test run does not.
 */
public final class ImagesAhead implements LauncherSessionListener {
  private static final Logger log = LoggerFactory.getLogger(ImagesAhead.class);

  private ExecutorService builds;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (!Boolean.getBoolean("interop.imagesAhead")) {
      return;
    }
    builds =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "images-ahead");
              thread.setDaemon(true);
              return thread;
            });
    List<Runnable> wanted = new ArrayList<>();
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return;
      }
      Path root = Repository.root();
      // In the order the suites first need them.
      wanted.add(() -> new ProtoCompiler(root.resolve("docker/protoc")).image());
      Peers.discover(root).forEach(peer -> wanted.add(() -> PeerImage.of(peer, root).resolve()));
      Path shop = root.resolve("examples/shop/interop.yaml");
      if (Files.isRegularFile(shop)) {
        wanted.add(
            () ->
                ProjectRun.buildServerImages(ProjectFile.read(shop, "examples/shop/interop.yaml")));
      }
    } catch (RuntimeException notNow) {
      log.debug("no images built ahead: {}", notNow.toString());
      return;
    }
    for (Runnable build : wanted) {
      builds.submit(
          () -> {
            try {
              build.run();
            } catch (RuntimeException failed) {
              log.info("an image built ahead did not build; the suite that needs it will say why");
            }
          });
    }
    builds.shutdown();
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (builds != null) {
      builds.shutdownNow();
    }
  }
}
