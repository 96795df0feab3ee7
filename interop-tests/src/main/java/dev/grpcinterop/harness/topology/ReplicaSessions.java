package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.docker.PeerContainer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One language's replicas, shared by the load-balancing cases of every client that calls them. A
 * case changes the replicas (stops one, makes one unhealthy, restarts one) and checks how the
 * client copes; done client by client, that is four changes per server, one after the other, each
 * waiting on containers. Here the clients of one case meet in a session: each does its part before
 * the change, the change is made once, each checks while it lasts, and the last to finish has it
 * undone. Sessions of different cases take turns, so no case sees another's change.
 */
public final class ReplicaSessions {
  private static final Logger log = LoggerFactory.getLogger(ReplicaSessions.class);

  /**
   * How long a session waits, once its turn has come, for clients that have not joined it yet; a
   * client that comes later has a session of its own.
   */
  private static final Duration JOIN_WITHIN = Duration.ofSeconds(10);

  private final List<PeerContainer> replicas;
  private final Semaphore turn = new Semaphore(1, true);
  private final Map<String, Session> joinable = new HashMap<>();
  private volatile int clients = 1;

  ReplicaSessions(List<PeerContainer> replicas) {
    this.replicas = replicas;
  }

  /** How many clients call these replicas in the run: a session starts once they all joined. */
  public void expectClients(int count) {
    clients = Math.max(1, count);
  }

  /**
   * One client's part in a case over the replicas. {@code before} and {@code check} are this
   * client's; {@code change} and {@code undo} run once per session, from the first client's case.
   */
  public interface Part<T> {
    /** What the client does before the change, such as a call that opens its connection. */
    default void before(List<PeerContainer> replicas) throws Exception {}

    /** The change, made once for every client of the session. */
    default void change(List<PeerContainer> replicas) throws Exception {}

    /** What the client checks while the change lasts. */
    T check(List<PeerContainer> replicas) throws Exception;

    /** Puts the replicas back as they were, once every client of the session has checked. */
    default void undo(List<PeerContainer> replicas) throws Exception {}
  }

  /** Takes part, for one client, in a session of the case {@code caseName}; returns its check. */
  public <T> T join(String caseName, Part<T> part) throws Exception {
    Session session;
    boolean first;
    synchronized (this) {
      session = joinable.get(caseName);
      first = session == null;
      if (first) {
        session = new Session(part);
        joinable.put(caseName, session);
      }
      session.joined++;
      if (session.joined >= clients) {
        joinable.remove(caseName, session);
      }
      notifyAll();
    }
    if (first) {
      session.lead(caseName);
    }
    try {
      part.before(replicas);
    } catch (Exception | Error failed) {
      // Counted in and out at once, so that the session goes on without this client.
      session.arrived();
      session.checked();
      throw failed;
    }
    session.arrived();
    try {
      session.awaitChange();
      return part.check(replicas);
    } finally {
      session.checked();
    }
  }

  /** One change of the replicas and the clients that check it. */
  private final class Session {
    private final Part<?> leader;
    private int joined;
    private int ready;
    private int done;
    private boolean changed;
    private Exception changeFailed;

    Session(Part<?> leader) {
      this.leader = leader;
    }

    /**
     * The first client's thread: waits for the session's turn, then for the others to join (or
     * {@link #JOIN_WITHIN}), then runs the rest of the session from a thread of its own so that
     * this client takes part like the others.
     */
    void lead(String caseName) throws InterruptedException {
      turn.acquire();
      Thread session =
          new Thread(
              () -> {
                try {
                  run(caseName);
                } finally {
                  turn.release();
                }
              },
              "replicas " + caseName);
      session.setDaemon(true);
      session.start();
    }

    private void run(String caseName) {
      long joinBy = System.nanoTime() + JOIN_WITHIN.toNanos();
      try {
        synchronized (ReplicaSessions.this) {
          while (joined < clients && System.nanoTime() < joinBy) {
            ReplicaSessions.this.wait(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
          }
          joinable.remove(caseName, this);
          while (ready < joined) {
            ReplicaSessions.this.wait();
          }
        }
        try {
          leader.change(replicas);
        } catch (Exception failed) {
          changeFailed = failed;
        }
        synchronized (ReplicaSessions.this) {
          changed = true;
          ReplicaSessions.this.notifyAll();
          while (done < joined) {
            ReplicaSessions.this.wait();
          }
        }
        leader.undo(replicas);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      } catch (Exception undoFailed) {
        // The cases after it will see replicas not as they should be, and say so.
        log.error("the replicas could not be put back after {}", caseName, undoFailed);
      } finally {
        synchronized (ReplicaSessions.this) {
          changed = true;
          ReplicaSessions.this.notifyAll();
        }
      }
    }

    void arrived() {
      synchronized (ReplicaSessions.this) {
        ready++;
        ReplicaSessions.this.notifyAll();
      }
    }

    void awaitChange() throws Exception {
      synchronized (ReplicaSessions.this) {
        while (!changed) {
          ReplicaSessions.this.wait();
        }
      }
      if (changeFailed != null) {
        throw changeFailed;
      }
    }

    void checked() {
      synchronized (ReplicaSessions.this) {
        done++;
        ReplicaSessions.this.notifyAll();
      }
    }
  }
}
