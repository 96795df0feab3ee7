package dev.grpcinterop.peer;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import dev.grpcinterop.interop.v1.StatusCount;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One closed-loop load: slots that each make one call after another, and the measured period, which
 * only what ends inside it counts toward. Each slot keeps its own figures (its calls run one at a
 * time), merged once every slot has stopped.
 */
final class Load {
  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final CallRunner.Described call;
  private final boolean pingPong;
  private final long warmupNanos;
  private final long durationNanos;
  private final long callsWanted;
  private final long[] requestSizes;
  private final AtomicLong counted = new AtomicLong();
  private long measureStart;
  private volatile long measureEnd = Long.MAX_VALUE;
  private volatile boolean stopped;
  private volatile long cpuAtStart = -1;
  private volatile long cpuAtEnd = -1;
  private CountDownLatch slotsStopped;

  /**
   * @param durationNanos the measured period, or 0 when it ends after {@code callsWanted} calls
   */
  Load(
      CallRunner.Described call,
      boolean pingPong,
      long warmupNanos,
      long durationNanos,
      long callsWanted) {
    this.call = call;
    this.pingPong = pingPong;
    this.warmupNanos = warmupNanos;
    this.durationNanos = durationNanos;
    this.callsWanted = callsWanted;
    this.requestSizes = call.messages().stream().mapToLong(Load::size).toArray();
  }

  /** Starts no call from now on; the calls in flight still end. */
  void stop() {
    stopped = true;
  }

  RunLoadResponse run(int concurrency, List<ManagedChannel> channels) throws InterruptedException {
    ScheduledExecutorService clock =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "load-clock");
              thread.setDaemon(true);
              return thread;
            });
    try {
      measureStart = System.nanoTime() + warmupNanos;
      clock.schedule(() -> cpuAtStart = OS.getProcessCpuTime(), warmupNanos, TimeUnit.NANOSECONDS);
      if (durationNanos > 0) {
        measureEnd = measureStart + durationNanos;
        clock.schedule(
            () -> cpuAtEnd = OS.getProcessCpuTime(),
            warmupNanos + durationNanos,
            TimeUnit.NANOSECONDS);
      }
      slotsStopped = new CountDownLatch(concurrency);
      Slot[] slots = new Slot[concurrency];
      for (int k = 0; k < concurrency; k++) {
        slots[k] = new Slot(channels.get(k % channels.size()));
      }
      for (Slot slot : slots) {
        slot.startCall();
      }
      // Every call has a deadline, so the slots stop; the bound is for a library that loses one.
      long bound =
          durationNanos > 0
              ? warmupNanos + durationNanos + 2 * call.timeoutNanos() + TimeUnit.SECONDS.toNanos(5)
              : Long.MAX_VALUE;
      if (!slotsStopped.await(bound, TimeUnit.NANOSECONDS)) {
        stop();
      }
      if (cpuAtEnd < 0) {
        cpuAtEnd = OS.getProcessCpuTime();
      }
      return report(slots);
    } finally {
      clock.shutdownNow();
    }
  }

  private RunLoadResponse report(Slot[] slots) {
    var latency = new LatencyHistogram();
    Map<Integer, Long> statuses = new TreeMap<>();
    var response = RunLoadResponse.newBuilder();
    long calls = 0;
    long sent = 0;
    long received = 0;
    long bytesSent = 0;
    long bytesReceived = 0;
    long lastEnd = measureStart;
    Slot firstFailed = null;
    for (Slot slot : slots) {
      latency.add(slot.latency);
      slot.statuses.forEach((code, count) -> statuses.merge(code, count, Long::sum));
      calls += slot.calls;
      sent += slot.messagesSent;
      received += slot.messagesReceived;
      bytesSent += slot.bytesSent;
      bytesReceived += slot.bytesReceived;
      lastEnd = Math.max(lastEnd, slot.lastEnd);
      if (slot.firstFailure != null
          && (firstFailed == null || slot.firstFailureAt < firstFailed.firstFailureAt)) {
        firstFailed = slot;
      }
    }
    statuses.forEach(
        (code, count) ->
            response.addStatuses(StatusCount.newBuilder().setCode(code).setCount(count)));
    if (firstFailed != null) {
      response.setFirstFailure(firstFailed.firstFailure);
    }
    long cpu = cpuAtStart >= 0 && cpuAtEnd >= cpuAtStart ? cpuAtEnd - cpuAtStart : 0;
    return response
        .setCalls(calls)
        .setLatency(latency.toProto())
        .setMessagesSent(sent)
        .setMessagesReceived(received)
        .setBytesSent(bytesSent)
        .setBytesReceived(bytesReceived)
        .setElapsed(Durations.fromNanos(lastEnd - measureStart))
        .setCpuTime(Durations.fromNanos(cpu))
        .build();
  }

  private boolean mayStart() {
    return !stopped
        && System.nanoTime() < measureEnd
        && (callsWanted == 0 || counted.get() < callsWanted);
  }

  /** Whether a call that ended at {@code end} counts; the last one wanted ends the period. */
  private boolean countsCall(long end) {
    if (end < measureStart || end > measureEnd) {
      return false;
    }
    if (callsWanted == 0) {
      return true;
    }
    long n = counted.incrementAndGet();
    if (n == callsWanted) {
      measureEnd = end;
      cpuAtEnd = OS.getProcessCpuTime();
    }
    return n <= callsWanted;
  }

  private boolean inPeriod(long at) {
    return at >= measureStart && at <= measureEnd;
  }

  private static long size(Object message) {
    return message instanceof MessageLite lite ? lite.getSerializedSize() : 0;
  }

  /** One slot of the closed loop: a call, then the next, on one channel. */
  private final class Slot extends ClientCall.Listener<Object> {
    private final Channel channel;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final Map<Integer, Long> statuses = new TreeMap<>();
    private long calls;
    private long messagesSent;
    private long messagesReceived;
    private long bytesSent;
    private long bytesReceived;
    private long lastEnd;
    private CallStatus firstFailure;
    private long firstFailureAt;

    private ClientCall<Object, Object> current;
    private long callStart;
    private long roundStart;
    private int next;
    private long callSent;
    private long callReceived;
    private long callBytesSent;
    private long callBytesReceived;

    Slot(Channel channel) {
      this.channel = channel;
    }

    void startCall() {
      if (!mayStart()) {
        slotsStopped.countDown();
        return;
      }
      next = 0;
      callSent = 0;
      callReceived = 0;
      callBytesSent = 0;
      callBytesReceived = 0;
      // The call owns the headers it is started with, so each call gets its own copy.
      var headers = new Metadata();
      headers.merge(call.metadata());
      callStart = System.nanoTime();
      current = channel.newCall(call.method(), call.options());
      current.start(this, headers);
      if (pingPong) {
        current.request(1);
        sendNextOrHalfClose();
        return;
      }
      current.request(Integer.MAX_VALUE);
      while (next < requestSizes.length) {
        send();
      }
      current.halfClose();
    }

    private void send() {
      roundStart = System.nanoTime();
      current.sendMessage(call.messages().get(next));
      callSent++;
      callBytesSent += requestSizes[next];
      next++;
    }

    private void sendNextOrHalfClose() {
      if (next < requestSizes.length) {
        send();
      } else {
        current.halfClose();
      }
    }

    @Override
    public void onMessage(Object message) {
      callReceived++;
      callBytesReceived += size(message);
      if (!pingPong) {
        return;
      }
      long now = System.nanoTime();
      if (inPeriod(now)) {
        latency.record(now - roundStart);
      }
      current.request(1);
      sendNextOrHalfClose();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      long end = System.nanoTime();
      if (countsCall(end)) {
        calls++;
        statuses.merge(status.getCode().value(), 1L, Long::sum);
        messagesSent += callSent;
        messagesReceived += callReceived;
        bytesSent += callBytesSent;
        bytesReceived += callBytesReceived;
        lastEnd = Math.max(lastEnd, end);
        if (status.isOk() && !pingPong) {
          latency.record(end - callStart);
        }
        if (!status.isOk() && firstFailure == null) {
          firstFailure = failure(status, trailers);
          firstFailureAt = end;
        }
      }
      startCall();
    }

    private static CallStatus failure(Status status, Metadata trailers) {
      var failure =
          CallStatus.newBuilder()
              .setCode(status.getCode().value())
              .setMessage(status.getDescription() == null ? "" : status.getDescription());
      byte[] details = trailers.get(STATUS_DETAILS);
      if (details != null) {
        failure.setDetails(ByteString.copyFrom(details));
      }
      return failure.build();
    }
  }
}
