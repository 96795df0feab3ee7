package dev.grpcinterop.peer;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Follows one call of {@link CallRunner} from start to status, and reports what the client saw. */
final class CallObservation extends ClientCall.Listener<Object> {
  /** How long past the call's own deadline the runner waits before it gives up on the library. */
  private static final long GRACE_MILLIS = 5_000;

  private static final Object END = new Object();
  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private final ClientCall<Object, Object> call;
  private final RunCallRequest request;
  private long startNanos;
  private final RunCallResponse.Builder report = RunCallResponse.newBuilder();
  private final LinkedBlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
  private final CompletableFuture<RunCallResponse> closed = new CompletableFuture<>();
  private int received;

  CallObservation(ClientCall<Object, Object> call, RunCallRequest request) {
    this.call = call;
    this.request = request;
  }

  /** Starts the call and sends its requests; in ping-pong, that waits for each answer. */
  void start(List<Object> messages, Metadata metadata) throws InterruptedException {
    startNanos = System.nanoTime();
    synchronized (call) {
      call.start(this, metadata);
      call.request(Integer.MAX_VALUE);
    }
    if (request.getCancel().getAfterBegin()) {
      cancel("after_begin");
      return;
    }
    send(messages);
  }

  RunCallResponse await() throws InterruptedException {
    long waitMillis = Durations.toMillis(request.getTimeout()) + GRACE_MILLIS;
    try {
      return closed.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(impossible.getCause());
    } catch (TimeoutException hung) {
      cancel("the client library did not end the call within its deadline");
      throw Status.DEADLINE_EXCEEDED
          .withDescription("grpc-java did not end the call " + waitMillis + " ms after it began")
          .asRuntimeException();
    }
  }

  private void send(List<Object> messages) throws InterruptedException {
    for (Object message : messages) {
      if (closed.isDone()) {
        return;
      }
      synchronized (call) {
        call.sendMessage(message);
      }
      if (request.getPingPong()) {
        // Wait for this request's answer (or the end of the call) before sending the next.
        Object answer =
            arrivals.poll(Durations.toMillis(request.getTimeout()), TimeUnit.MILLISECONDS);
        if (answer == null || answer == END) {
          return;
        }
      }
    }
    synchronized (call) {
      if (!closed.isDone()) {
        call.halfClose();
      }
    }
  }

  private void cancel(String why) {
    synchronized (call) {
      call.cancel("cancelled by the interop suite (" + why + ")", null);
    }
  }

  @Override
  public void onHeaders(Metadata headers) {
    synchronized (report) {
      report.addAllHeaders(fromMetadata(headers));
    }
  }

  @Override
  public void onMessage(Object message) {
    if (request.getCancel().hasAfterResponses()
        && received >= request.getCancel().getAfterResponses()) {
      // Already cancelled: a message grpc-java had queued before the cancel took effect is not
      // what the client saw before it cancelled (seen when a slow machine delays the callback).
      return;
    }
    synchronized (report) {
      // A loaded contract's DynamicMessage packs under its own type's URL, as a generated one does.
      report.addResponses(
          message instanceof byte[] raw
              ? Any.newBuilder().setValue(ByteString.copyFrom(raw)).build()
              : Any.pack((Message) message));
    }
    arrivals.add(message);
    received++;
    if (request.getCancel().hasAfterResponses()
        && received == request.getCancel().getAfterResponses()) {
      cancel("after_responses=" + received);
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    arrivals.add(END);
    synchronized (report) {
      var observed =
          CallStatus.newBuilder()
              .setCode(status.getCode().value())
              .setMessage(status.getDescription() == null ? "" : status.getDescription());
      byte[] details = trailers.get(STATUS_DETAILS);
      if (details != null) {
        observed.setDetails(ByteString.copyFrom(details));
      }
      report
          .addAllTrailers(fromMetadata(trailers))
          .setStatus(observed)
          .setElapsed(Durations.fromNanos(System.nanoTime() - startNanos));
      closed.complete(report.build());
    }
  }

  private static List<MetadataEntry> fromMetadata(Metadata metadata) {
    List<MetadataEntry> entries = new ArrayList<>();
    for (String key : metadata.keys()) {
      if (key.startsWith("grpc-")) {
        continue;
      }
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value :
            metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
          entries.add(
              MetadataEntry.newBuilder().setKey(key).setBinary(ByteString.copyFrom(value)).build());
        }
      } else {
        for (String value :
            metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
          entries.add(MetadataEntry.newBuilder().setKey(key).setText(value).build());
        }
      }
    }
    return entries;
  }
}
