package dev.grpcinterop.peer;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Makes one call exactly as a {@link RunCallRequest} describes it, with grpc-java's own client,
 * and reports what the client observed. It is generic over methods: it knows them from the
 * generated service descriptors, and carries messages as {@code google.protobuf.Any}.
 */
public final class CallRunner {
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";
  /** How long past the call's own deadline the runner waits before it gives up on the library. */
  private static final long GRACE_MILLIS = 5_000;

  private final Map<String, MethodDescriptor<?, ?>> methods = new HashMap<>();
  private final BiFunction<String, ChannelConfig, Channel> channels;

  /** @param channels the channel to use for a target ("host:port") made as a ChannelConfig says */
  public CallRunner(BiFunction<String, ChannelConfig, Channel> channels) {
    this(
        channels,
        List.of(
            CalculatorServiceGrpc.getServiceDescriptor(),
            PeerControlServiceGrpc.getServiceDescriptor()));
  }

  public CallRunner(BiFunction<String, ChannelConfig, Channel> channels, List<ServiceDescriptor> services) {
    this.channels = channels;
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        methods.put(method.getFullMethodName(), method);
      }
    }
  }

  /**
   * Runs the call and reports it; throws INVALID_ARGUMENT when the description cannot be carried
   * out. A call that fails is an observation, returned like any other.
   */
  public RunCallResponse run(RunCallRequest request) throws InterruptedException {
    return prepare(request).start().await();
  }

  /**
   * Starts every call before awaiting any, on the channel of each target, so that calls to one
   * target are multiplexed on one connection; refuses the batch if any description is invalid.
   */
  public List<RunCallResponse> runAll(List<RunCallRequest> requests) throws InterruptedException {
    List<Prepared> prepared = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      try {
        prepared.add(prepare(requests.get(i)));
      } catch (StatusRuntimeException refused) {
        throw invalid("call " + i + ": " + refused.getStatus().getDescription());
      }
    }
    List<Observation> started = new ArrayList<>();
    for (Prepared call : prepared) {
      started.add(call.start());
    }
    List<RunCallResponse> results = new ArrayList<>();
    for (Observation call : started) {
      results.add(call.await());
    }
    return results;
  }

  /** A call whose description was checked, ready to start. */
  private record Prepared(
      Channel channel,
      MethodDescriptor<Object, Object> method,
      CallOptions options,
      RunCallRequest request,
      List<Object> messages,
      Metadata metadata) {
    Observation start() throws InterruptedException {
      var observation = new Observation(channel.newCall(method, options), request);
      observation.start(messages, metadata);
      return observation;
    }
  }

  private Prepared prepare(RunCallRequest request) {
    if (!request.hasTimeout() || Durations.toNanos(request.getTimeout()) <= 0) {
      throw invalid("timeout is required");
    }
    MethodDescriptor<Object, Object> method;
    List<Object> messages;
    if (request.getRaw()) {
      if (request.getMethod().isEmpty()) {
        throw invalid("unknown method \"\"");
      }
      method = rawMethod(request.getMethod());
      messages = new ArrayList<>();
      int repeat = Math.max(1, request.getRawRepeat());
      for (Any any : request.getRequestsList()) {
        byte[] once = any.getValue().toByteArray();
        byte[] repeated = new byte[Math.multiplyExact(once.length, repeat)];
        for (int i = 0; i < repeat; i++) {
          System.arraycopy(once, 0, repeated, i * once.length, once.length);
        }
        messages.add(repeated);
      }
    } else {
      @SuppressWarnings("unchecked")
      var known = (MethodDescriptor<Object, Object>) methods.get(request.getMethod());
      if (known == null) {
        throw invalid("unknown method \"" + request.getMethod() + "\"");
      }
      method = known;
      messages = parseRequests(method, request.getRequestsList());
      if (method.getType().clientSendsOneMessage() && messages.size() != 1) {
        throw invalid(request.getMethod() + " takes exactly one request, not " + messages.size());
      }
    }
    Metadata metadata = toMetadata(request.getMetadataList());
    CallOptions options =
        CallOptions.DEFAULT.withDeadlineAfter(
            Durations.toNanos(request.getTimeout()), TimeUnit.NANOSECONDS);
    switch (request.getCompression()) {
      case "", "identity" -> {}
      case "gzip" -> options = options.withCompression("gzip");
      default -> throw invalid("unknown compression \"" + request.getCompression() + "\"");
    }
    if (request.getTarget().isEmpty()) {
      throw invalid("target is required");
    }
    return new Prepared(
        channels.apply(request.getTarget(), request.getChannel()), method, options, request, messages, metadata);
  }

  /** Any path, as a bidirectional stream of bytes: what every gRPC call is on the wire. */
  private static MethodDescriptor<Object, Object> rawMethod(String path) {
    return MethodDescriptor.<Object, Object>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
        .setFullMethodName(path)
        .setRequestMarshaller(RawBytes.INSTANCE)
        .setResponseMarshaller(RawBytes.INSTANCE)
        .build();
  }

  /** Passes bytes through untouched, so that the peer on the other side alone parses them. */
  private enum RawBytes implements MethodDescriptor.Marshaller<Object> {
    INSTANCE;

    @Override
    public java.io.InputStream stream(Object bytes) {
      return new java.io.ByteArrayInputStream((byte[]) bytes);
    }

    @Override
    public Object parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw Status.INTERNAL.withDescription("cannot read a response").withCause(e).asRuntimeException();
      }
    }
  }

  /** Follows one call from start to status, on behalf of {@link #run}. */
  private static final class Observation extends ClientCall.Listener<Object> {
    private final ClientCall<Object, Object> call;
    private final RunCallRequest request;
    private long startNanos;
    private final RunCallResponse.Builder report = RunCallResponse.newBuilder();
    private final LinkedBlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private final CompletableFuture<RunCallResponse> closed = new CompletableFuture<>();
    private int received;

    Observation(ClientCall<Object, Object> call, RunCallRequest request) {
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
      if (request.getCancel().hasAfterResponses() && request.getCancel().getAfterResponses() == 0) {
        cancel("after_responses=0");
      }
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
          Object answer = arrivals.poll(Durations.toMillis(request.getTimeout()), TimeUnit.MILLISECONDS);
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
      synchronized (report) {
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
  }

  private static final Object END = new Object();
  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private static List<Object> parseRequests(
      MethodDescriptor<Object, Object> method, List<Any> requests) {
    String inputType = descriptorOf(method).getInputType().getFullName();
    List<Object> messages = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Any any = requests.get(i);
      if (!any.getTypeUrl().equals(TYPE_URL_PREFIX + inputType)) {
        throw invalid(
            "request " + i + " is a " + any.getTypeUrl() + ", but " + method.getFullMethodName()
                + " takes " + TYPE_URL_PREFIX + inputType);
      }
      try {
        messages.add(method.parseRequest(any.getValue().newInput()));
      } catch (StatusRuntimeException | IllegalArgumentException malformed) {
        throw invalid("request " + i + " does not parse as " + inputType + ": " + malformed.getMessage());
      }
    }
    return messages;
  }

  private static Descriptors.MethodDescriptor descriptorOf(MethodDescriptor<?, ?> method) {
    return ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor();
  }

  private static Metadata toMetadata(List<MetadataEntry> entries) {
    Metadata metadata = new Metadata();
    for (MetadataEntry entry : entries) {
      boolean binaryKey = entry.getKey().endsWith(Metadata.BINARY_HEADER_SUFFIX);
      try {
        if (binaryKey && entry.hasBinary()) {
          metadata.put(
              Metadata.Key.of(entry.getKey(), Metadata.BINARY_BYTE_MARSHALLER),
              entry.getBinary().toByteArray());
        } else if (!binaryKey && entry.hasText()) {
          metadata.put(Metadata.Key.of(entry.getKey(), Metadata.ASCII_STRING_MARSHALLER), entry.getText());
        } else {
          throw invalid(
              "metadata \"" + entry.getKey() + "\" must carry "
                  + (binaryKey ? "binary, as its key ends in -bin" : "text, as its key does not end in -bin"));
        }
      } catch (IllegalArgumentException badKey) {
        throw invalid("metadata key \"" + entry.getKey() + "\" is not valid: " + badKey.getMessage());
      }
    }
    return metadata;
  }

  private static List<MetadataEntry> fromMetadata(Metadata metadata) {
    List<MetadataEntry> entries = new ArrayList<>();
    for (String key : metadata.keys()) {
      if (key.startsWith("grpc-")) {
        continue;
      }
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
          entries.add(MetadataEntry.newBuilder().setKey(key).setBinary(ByteString.copyFrom(value)).build());
        }
      } else {
        for (String value : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
          entries.add(MetadataEntry.newBuilder().setKey(key).setText(value).build());
        }
      }
    }
    return entries;
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
