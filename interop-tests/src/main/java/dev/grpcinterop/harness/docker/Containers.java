package dev.grpcinterop.harness.docker;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/** What is done to many containers at once. */
public final class Containers {
  private static final Logger log = LoggerFactory.getLogger(Containers.class);
  private static final int AT_ONCE = 8;
  private static final long STOP_WITHIN_SECONDS = 120;

  private Containers() {}

  /**
   * Waits until every start has ended, in order; the first that failed is thrown as it was (a
   * container that did not start says why), once every start before it has ended.
   */
  public static void awaitStarted(List<Future<?>> starting) throws InterruptedException {
    for (Future<?> start : starting) {
      try {
        start.get();
      } catch (ExecutionException failed) {
        throw failed.getCause() instanceof RuntimeException runtime
            ? runtime
            : new IllegalStateException(failed.getCause());
      }
    }
  }

  /**
   * Stops every container, several at a time: each stop is mostly the engine's waiting, and a run's
   * two dozen one after the other add seconds to every run. Returns when all have stopped.
   */
  public static void stopAll(List<? extends GenericContainer<?>> containers) {
    ExecutorService stopping = Executors.newFixedThreadPool(AT_ONCE);
    try {
      containers.forEach(c -> stopping.submit(c::stop));
      stopping.shutdown();
      if (!stopping.awaitTermination(STOP_WITHIN_SECONDS, TimeUnit.SECONDS)) {
        log.warn("some containers had not stopped after {} s", STOP_WITHIN_SECONDS);
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      stopping.shutdownNow();
    }
  }
}
