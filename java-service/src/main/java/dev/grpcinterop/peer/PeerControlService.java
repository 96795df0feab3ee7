package dev.grpcinterop.peer;

import com.google.protobuf.RuntimeVersion;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.DescribeResponse;
import dev.grpcinterop.interop.v1.EchoStatusRequest;
import dev.grpcinterop.interop.v1.EchoStatusResponse;
import dev.grpcinterop.interop.v1.GetServerCallRequest;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.LoadContractRequest;
import dev.grpcinterop.interop.v1.LoadContractResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import dev.grpcinterop.interop.v1.RunCallsRequest;
import dev.grpcinterop.interop.v1.RunCallsResponse;
import dev.grpcinterop.interop.v1.RunLoadRequest;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import dev.grpcinterop.interop.v1.SetServingRequest;
import dev.grpcinterop.interop.v1.SetServingResponse;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.BiFunction;

/**
 * The Java side of interop.v1.PeerControlService: the suite drives the Java client through it
 * exactly as it drives every other language's client.
 */
public final class PeerControlService extends PeerControlServiceGrpc.PeerControlServiceImplBase
    implements AutoCloseable {
  /** Turns the health of everything the server serves; the server knows what that is. */
  @FunctionalInterface
  public interface HealthSwitch {
    void setServing(boolean serving);
  }

  private final ServerCallLog callLog;
  private final ChannelFactory channels = new ChannelFactory();
  private final HealthSwitch health;
  private final CallRunner runner;
  private final LoadRunner loads;

  /** A control service whose client makes its own channels, one per target and configuration. */
  public PeerControlService(ServerCallLog callLog, HealthSwitch health) {
    this.callLog = callLog;
    this.health = health;
    this.runner = new CallRunner(channels::channel);
    this.loads = new LoadRunner(runner, ChannelFactory::newChannel);
  }

  /**
   * A control service whose client uses the channels given, and for loads the new channels given,
   * as tests with in-process ones do.
   */
  public PeerControlService(
      ServerCallLog callLog,
      HealthSwitch health,
      BiFunction<String, ChannelConfig, Channel> channels,
      BiFunction<String, ChannelConfig, ManagedChannel> loadChannels) {
    this.callLog = callLog;
    this.health = health;
    this.runner = new CallRunner(channels);
    this.loads = new LoadRunner(runner, loadChannels);
  }

  @Override
  public void setServing(SetServingRequest request, StreamObserver<SetServingResponse> responses) {
    health.setServing(request.getServing());
    responses.onNext(SetServingResponse.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DescribeResponse> responses) {
    responses.onNext(
        DescribeResponse.newBuilder()
            .setLanguage("java")
            .setGrpcLibrary("grpc-java " + io.grpc.internal.GrpcUtil.IMPLEMENTATION_VERSION)
            .setProtobufLibrary(
                "protobuf-java "
                    + RuntimeVersion.MAJOR
                    + "."
                    + RuntimeVersion.MINOR
                    + "."
                    + RuntimeVersion.PATCH)
            .setRuntime(System.getProperty("java.vm.name") + " " + Runtime.version())
            .build());
    responses.onCompleted();
  }

  @Override
  public void runCall(RunCallRequest request, StreamObserver<RunCallResponse> responses) {
    answer(responses, () -> runner.run(request));
  }

  @Override
  public void runCalls(RunCallsRequest request, StreamObserver<RunCallsResponse> responses) {
    answer(
        responses,
        () ->
            RunCallsResponse.newBuilder()
                .addAllResults(runner.runAll(request.getCallsList()))
                .build());
  }

  @Override
  public void runLoad(RunLoadRequest request, StreamObserver<RunLoadResponse> responses) {
    answer(responses, () -> loads.run(request));
  }

  @Override
  public void loadContract(
      LoadContractRequest request, StreamObserver<LoadContractResponse> responses) {
    LoadedContract contract;
    try {
      contract = LoadedContract.parse(request.getFileDescriptorSet());
    } catch (StatusRuntimeException refused) {
      // The contract loaded before stays in place.
      responses.onError(refused);
      return;
    }
    runner.load(contract);
    responses.onNext(LoadContractResponse.newBuilder().addAllServices(contract.services()).build());
    responses.onCompleted();
  }

  /** Reports what the client observed, or the refusal of a description it could not carry out. */
  private static <T> void answer(StreamObserver<T> responses, Observation<T> observation) {
    try {
      responses.onNext(observation.make());
      responses.onCompleted();
    } catch (StatusRuntimeException refused) {
      responses.onError(refused);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      responses.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
    }
  }

  @FunctionalInterface
  private interface Observation<T> {
    T make() throws InterruptedException;
  }

  @Override
  public void echoStatus(EchoStatusRequest request, StreamObserver<EchoStatusResponse> responses) {
    if (request.getCode() == 0) {
      responses.onNext(EchoStatusResponse.getDefaultInstance());
      responses.onCompleted();
      return;
    }
    responses.onError(
        Status.fromCodeValue(request.getCode())
            .withDescription(request.getMessage())
            .asRuntimeException());
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

  @Override
  public void close() throws InterruptedException {
    channels.close();
  }
}
