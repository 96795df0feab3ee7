package dev.grpcinterop.peer;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Makes one call exactly as a {@link RunCallRequest} describes it, with grpc-java's own client, and
 * reports what the client observed. It is generic over methods: it knows them from the contract
 * loaded last, if any, then from the generated service descriptors, and carries messages as {@code
 * google.protobuf.Any}.
 */
public final class CallRunner {
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";

  private final Map<String, MethodDescriptor<?, ?>> methods = new HashMap<>();
  private final BiFunction<String, ChannelConfig, Channel> channels;
  private volatile LoadedContract contract = LoadedContract.NONE;

  /**
   * @param channels the channel to use for a target ("host:port") made as a ChannelConfig says
   */
  public CallRunner(BiFunction<String, ChannelConfig, Channel> channels) {
    this(
        channels,
        List.of(
            CalculatorServiceGrpc.getServiceDescriptor(),
            PeerControlServiceGrpc.getServiceDescriptor()));
  }

  public CallRunner(
      BiFunction<String, ChannelConfig, Channel> channels, List<ServiceDescriptor> services) {
    this.channels = channels;
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        methods.put(method.getFullMethodName(), method);
      }
    }
  }

  /**
   * Knows the methods of {@code loaded} from now on, before the generated ones, instead of the last
   * loaded.
   */
  void load(LoadedContract loaded) {
    contract = loaded;
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
    List<CallObservation> started = new ArrayList<>();
    for (Prepared call : prepared) {
      started.add(call.start());
    }
    List<RunCallResponse> results = new ArrayList<>();
    for (CallObservation call : started) {
      results.add(call.await());
    }
    return results;
  }

  /** A call whose description was checked, ready to start. */
  private record Prepared(Channel channel, RunCallRequest request, Described call) {
    CallObservation start() throws InterruptedException {
      var observation =
          new CallObservation(channel.newCall(call.method(), call.options()), request);
      observation.start(call.messages(), call.metadata());
      return observation;
    }
  }

  /**
   * What a checked description says to call, independent of any channel: the method, the call
   * options with the deadline counted from the moment they are read, the requests and metadata.
   */
  record Described(
      MethodDescriptor<Object, Object> method,
      CallOptions undated,
      long timeoutNanos,
      List<Object> messages,
      Metadata metadata) {
    CallOptions options() {
      return undated.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private Prepared prepare(RunCallRequest request) {
    Described call = describe(request);
    return new Prepared(channels.apply(request.getTarget(), request.getChannel()), request, call);
  }

  /**
   * Checks the description in the order of the refusal rulebook (RunCall in peer_control.proto), so
   * that every peer names the same first problem, and says what to call; RunLoad's calls are
   * checked here too.
   */
  Described describe(RunCallRequest request) {
    if (request.getTarget().isEmpty()) {
      throw invalid("target is required");
    }
    MethodDescriptor<Object, Object> method;
    List<Object> messages;
    if (request.getRaw()) {
      if (request.getMethod().isEmpty()) {
        throw invalid("unknown method \"\"");
      }
      method = RawBytes.method(request.getMethod());
      messages = repeatedBytes(request);
    } else {
      method = known(request.getMethod());
      messages = parseRequests(method, request.getRequestsList());
      if (method.getType().clientSendsOneMessage() && messages.size() != 1) {
        throw invalid(request.getMethod() + " takes exactly one request, not " + messages.size());
      }
    }
    if (!request.hasTimeout() || Durations.toNanos(request.getTimeout()) <= 0) {
      throw invalid("timeout is required");
    }
    CallOptions options = CallOptions.DEFAULT;
    switch (request.getCompression()) {
      case "", "identity" -> {}
      case "gzip" -> options = options.withCompression("gzip");
      default ->
          throw invalid(
              "unknown compression \"" + request.getCompression() + "\"; use identity or gzip");
    }
    Metadata metadata = toMetadata(request.getMetadataList());
    ChannelFactory.check(request.getChannel());
    if (request.getCancel().hasAfterResponses() && request.getCancel().getAfterResponses() < 1) {
      throw invalid(
          "cancel.after_responses must be at least 1; use after_begin to cancel before any");
    }
    return new Described(
        method, options, Durations.toNanos(request.getTimeout()), messages, metadata);
  }

  @SuppressWarnings("unchecked")
  private MethodDescriptor<Object, Object> known(String name) {
    return contract
        .method(name)
        .or(() -> Optional.ofNullable((MethodDescriptor<Object, Object>) methods.get(name)))
        .orElseThrow(() -> invalid("unknown method \"" + name + "\""));
  }

  /** Each request's bytes as given, raw_repeat times over: concatenated messages merge. */
  private static List<Object> repeatedBytes(RunCallRequest request) {
    List<Object> messages = new ArrayList<>();
    int repeat = Math.max(1, request.getRawRepeat());
    for (Any any : request.getRequestsList()) {
      byte[] once = any.getValue().toByteArray();
      byte[] repeated = new byte[Math.multiplyExact(once.length, repeat)];
      for (int i = 0; i < repeat; i++) {
        System.arraycopy(once, 0, repeated, i * once.length, once.length);
      }
      messages.add(repeated);
    }
    return messages;
  }

  private static List<Object> parseRequests(
      MethodDescriptor<Object, Object> method, List<Any> requests) {
    String inputType = descriptorOf(method).getInputType().getFullName();
    List<Object> messages = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Any any = requests.get(i);
      if (!any.getTypeUrl().equals(TYPE_URL_PREFIX + inputType)) {
        throw invalid(
            "request "
                + i
                + " has type_url \""
                + any.getTypeUrl()
                + "\", which is not the input type of "
                + method.getFullMethodName()
                + " ("
                + TYPE_URL_PREFIX
                + inputType
                + ")");
      }
      try {
        messages.add(method.parseRequest(any.getValue().newInput()));
      } catch (StatusRuntimeException | IllegalArgumentException malformed) {
        throw invalid(
            "request " + i + " does not parse as " + inputType + ": " + malformed.getMessage());
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
      if (binaryKey && !entry.hasBinary()) {
        throw invalid(
            "metadata \"" + entry.getKey() + "\" must be binary, as its key ends in -bin");
      }
      if (!binaryKey && !entry.hasText()) {
        throw invalid(
            "metadata \"" + entry.getKey() + "\" must be text, as its key does not end in -bin");
      }
      try {
        if (binaryKey) {
          metadata.put(
              Metadata.Key.of(entry.getKey(), Metadata.BINARY_BYTE_MARSHALLER),
              entry.getBinary().toByteArray());
        } else {
          metadata.put(
              Metadata.Key.of(entry.getKey(), Metadata.ASCII_STRING_MARSHALLER), entry.getText());
        }
      } catch (IllegalArgumentException badKey) {
        throw invalid(
            "metadata key \"" + entry.getKey() + "\" is not valid: " + badKey.getMessage());
      }
    }
    return metadata;
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
