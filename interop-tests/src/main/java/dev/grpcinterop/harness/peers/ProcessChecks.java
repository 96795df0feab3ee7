package dev.grpcinterop.harness.peers;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/** How a peer's process starts and stops: what an orchestrator relies on. */
final class ProcessChecks {
  private ProcessChecks() {}

  static PeerConformance.Check stopsOnSigterm(PeerContainer subject, Duration stopLimit) {
    String name = "stops on SIGTERM within " + stopLimit.toSeconds() + " s, with exit code 0";
    String contract = "Shutdown";
    var docker = DockerClientFactory.instance().client();
    long start = System.nanoTime();
    // docker stop sends SIGTERM to PID 1, and SIGKILL when the time given runs out.
    docker
        .stopContainerCmd(subject.getContainerId())
        .withTimeout((int) stopLimit.toSeconds() + 2)
        .exec();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    Long exitCode =
        docker.inspectContainerCmd(subject.getContainerId()).exec().getState().getExitCodeLong();
    if (exitCode == null || exitCode != 0) {
      return PeerConformance.Check.failed(
          name,
          contract,
          "it exited with code "
              + exitCode
              + " after "
              + took.toMillis()
              + " ms"
              + (exitCode != null && exitCode == 137
                  ? " (killed: SIGTERM did not stop it; is the server PID 1, in an exec-form ENTRYPOINT?)"
                  : ""));
    }
    return took.compareTo(stopLimit) <= 0
        ? PeerConformance.Check.passed(name, contract)
        : PeerConformance.Check.failed(name, contract, "it took " + took.toMillis() + " ms");
  }

  /**
   * Started with "--port not-a-port", the peer exits at once with code 2 and a sentence on stderr.
   */
  static PeerConformance.Check refusesAWrongFlag(
      PeerImage image, Duration stopLimit, Duration deadline) {
    String name = "refuses a wrong flag (--port not-a-port): exit code 2, a sentence on stderr";
    String contract = "Start";
    var docker = DockerClientFactory.instance().client();
    String id =
        docker
            .createContainerCmd(image.resolve())
            .withCmd("--port", "not-a-port")
            .withLabels(DockerClientFactory.DEFAULT_LABELS)
            .exec()
            .getId();
    try {
      docker.startContainerCmd(id).exec();
      int exitCode;
      try {
        exitCode =
            docker
                .waitContainerCmd(id)
                .start()
                .awaitStatusCode(stopLimit.toSeconds(), TimeUnit.SECONDS);
      } catch (RuntimeException stillRunning) {
        return PeerConformance.Check.failed(
            name, contract, "it was still running " + stopLimit.toSeconds() + " s later");
      }
      var stderr = new StringBuilder();
      try {
        docker
            .logContainerCmd(id)
            .withStdErr(true)
            .withStdOut(false)
            .exec(
                new ResultCallback.Adapter<Frame>() {
                  @Override
                  public void onNext(Frame frame) {
                    stderr.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                  }
                })
            .awaitCompletion(deadline.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      if (exitCode != 2 || stderr.toString().isBlank()) {
        return PeerConformance.Check.failed(
            name,
            contract,
            "it exited with code "
                + exitCode
                + " and said on stderr: "
                + (stderr.toString().isBlank()
                    ? "nothing"
                    : "\n" + PeerConformance.tail(stderr.toString())));
      }
      return PeerConformance.Check.passed(name, contract);
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }
}
