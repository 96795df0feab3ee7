package dev.grpcinterop.harness.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcinterop.harness.docker.PeerContainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplicaSessionsTest {
  /** What the parts of one case saw: changes made, undone, and whether a check ever met neither. */
  private static final class Case {
    final String name;
    final AtomicInteger changes = new AtomicInteger();
    final AtomicInteger undos = new AtomicInteger();
    final AtomicBoolean checkedOutsideChange = new AtomicBoolean();

    Case(String name) {
      this.name = name;
    }

    ReplicaSessions.Part<String> part(AtomicBoolean anyChangeActive, List<String> log) {
      return new ReplicaSessions.Part<>() {
        @Override
        public void change(List<PeerContainer> replicas) {
          if (!anyChangeActive.compareAndSet(false, true)) {
            log.add("two changes at once");
          }
          changes.incrementAndGet();
        }

        @Override
        public String check(List<PeerContainer> replicas) throws InterruptedException {
          if (changes.get() == undos.get()) {
            checkedOutsideChange.set(true);
          }
          Thread.sleep(20);
          return name;
        }

        @Override
        public void undo(List<PeerContainer> replicas) {
          undos.incrementAndGet();
          anyChangeActive.set(false);
        }
      };
    }
  }

  @Test
  void theClientsOfOneCaseShareOneChangeAndCasesTakeTurns() throws Exception {
    var sessions = new ReplicaSessions(List.of());
    sessions.expectClients(4);
    var cases = List.of(new Case("stopped"), new Case("unhealthy"), new Case("restarted"));
    var active = new AtomicBoolean();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(12);
    try {
      List<Future<String>> checks = new ArrayList<>();
      for (int client = 0; client < 4; client++) {
        for (Case c : cases) {
          checks.add(clients.submit(() -> sessions.join(c.name, c.part(active, problems))));
        }
      }
      for (int i = 0; i < checks.size(); i++) {
        assertThat(checks.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(cases.get(i % 3).name);
      }
    } finally {
      clients.shutdownNow();
    }
    // A session's undo runs after its clients have their checks; one more session takes its turn
    // only once the last undo is done.
    sessions.expectClients(1);
    sessions.join(
        "after the others",
        new ReplicaSessions.Part<String>() {
          @Override
          public String check(List<PeerContainer> replicas) {
            return "";
          }
        });
    for (Case c : cases) {
      assertThat(c.changes).as(c.name).hasValue(1);
      assertThat(c.undos).as(c.name).hasValue(1);
      assertThat(c.checkedOutsideChange).as(c.name).isFalse();
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aFailedChangeIsEveryClientsFailureAndTheNextSessionStillRuns() throws Exception {
    var sessions = new ReplicaSessions(List.of());
    sessions.expectClients(1);
    assertThatThrownBy(
            () ->
                sessions.join(
                    "broken",
                    new ReplicaSessions.Part<String>() {
                      @Override
                      public void change(List<PeerContainer> replicas) {
                        throw new IllegalStateException("SetServing failed");
                      }

                      @Override
                      public String check(List<PeerContainer> replicas) {
                        return "checked";
                      }
                    }))
        .hasMessage("SetServing failed");
    ReplicaSessions.Part<String> next = replicas -> "ran";
    String ran = sessions.join("next", next);
    assertThat(ran).isEqualTo("ran");
  }
}
