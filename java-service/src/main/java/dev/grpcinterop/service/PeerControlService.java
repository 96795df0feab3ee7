package dev.grpcinterop.service;

import com.google.protobuf.RuntimeVersion;
import dev.grpcinterop.client.CallRunner;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.DescribeResponse;
import dev.grpcinterop.interop.v1.EchoStatusRequest;
import dev.grpcinterop.interop.v1.EchoStatusResponse;
import dev.grpcinterop.interop.v1.GetServerCallRequest;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import dev.grpcinterop.interop.v1.RunCallsRequest;
import dev.grpcinterop.interop.v1.RunCallsResponse;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Java side of interop.v1.PeerControlService: the suite drives the Java client through it
 * exactly as it drives every other language's client.
 */
public final class PeerControlService extends PeerControlServiceGrpc.PeerControlServiceImplBase
    implements AutoCloseable {
  private final ServerCallLog callLog;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final CallRunner runner;

  /** A control service whose client dials each target in plaintext, one cached channel each. */
  public PeerControlService(ServerCallLog callLog) {
    this.callLog = callLog;
    this.runner = new CallRunner(this::channelTo);
  }

  /** A control service whose client uses the channels given, as tests with in-process ones do. */
  public PeerControlService(ServerCallLog callLog, Function<String, Channel> channels) {
    this.callLog = callLog;
    this.runner = new CallRunner(channels);
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DescribeResponse> responses) {
    responses.onNext(
        DescribeResponse.newBuilder()
            .setLanguage("java")
            .setGrpcLibrary("grpc-java " + io.grpc.internal.GrpcUtil.IMPLEMENTATION_VERSION)
            .setProtobufLibrary(
                "protobuf-java "
                    + RuntimeVersion.MAJOR + "." + RuntimeVersion.MINOR + "." + RuntimeVersion.PATCH)
            .setRuntime(
                System.getProperty("java.vm.name") + " " + Runtime.version())
            .build());
    responses.onCompleted();
  }

  @Override
  public void runCall(RunCallRequest request, StreamObserver<RunCallResponse> responses) {
    try {
      responses.onNext(runner.run(request));
      responses.onCompleted();
    } catch (StatusRuntimeException refused) {
      responses.onError(refused);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      responses.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
    }
  }

  @Override
  public void runCalls(RunCallsRequest request, StreamObserver<RunCallsResponse> responses) {
    try {
      responses.onNext(
          RunCallsResponse.newBuilder().addAllResults(runner.runAll(request.getCallsList())).build());
      responses.onCompleted();
    } catch (StatusRuntimeException refused) {
      responses.onError(refused);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      responses.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
    }
  }

  @Override
  public void echoStatus(EchoStatusRequest request, StreamObserver<EchoStatusResponse> responses) {
    if (request.getCode() == 0) {
      responses.onNext(EchoStatusResponse.getDefaultInstance());
      responses.onCompleted();
      return;
    }
    responses.onError(
        Status.fromCodeValue(request.getCode()).withDescription(request.getMessage()).asRuntimeException());
  }

  @Override
  public void getServerCall(
      GetServerCallRequest request, StreamObserver<GetServerCallResponse> responses) {
    callLog
        .find(request.getCallId())
        .ifPresentOrElse(
            call -> {
              responses.onNext(call);
              responses.onCompleted();
            },
            () ->
                responses.onError(
                    Status.NOT_FOUND
                        .withDescription("no call with id " + request.getCallId())
                        .asRuntimeException()));
  }

  private ManagedChannel channelTo(String target) {
    return channels.computeIfAbsent(
        target,
        t ->
            Grpc.newChannelBuilder(t, InsecureChannelCredentials.create())
                // Reports of large calls travel back inside RunCall's own response.
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build());
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
