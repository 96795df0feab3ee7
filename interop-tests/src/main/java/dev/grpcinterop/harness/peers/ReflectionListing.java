package dev.grpcinterop.harness.peers;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The services a server lists through server reflection, as grpcurl asks for them: the v1 protocol
 * first, then v1alpha, which some libraries (grpcio-reflection) still serve alone.
 */
public final class ReflectionListing {
  private static final long DEADLINE_SECONDS = 5;

  private ReflectionListing() {}

  public static List<String> services(Channel channel) throws InterruptedException {
    try {
      return v1(channel);
    } catch (StatusRuntimeException failed) {
      if (failed.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw failed;
      }
      return v1alpha(channel);
    }
  }

  private static List<String> v1(Channel channel) throws InterruptedException {
    var answer = new CompletableFuture<io.grpc.reflection.v1.ServerReflectionResponse>();
    var requests =
        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .serverReflectionInfo(firstOf(answer));
    requests.onNext(
        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    return await(answer).getListServicesResponse().getServiceList().stream()
        .map(io.grpc.reflection.v1.ServiceResponse::getName)
        .toList();
  }

  @SuppressWarnings("deprecation")
  private static List<String> v1alpha(Channel channel) throws InterruptedException {
    var answer = new CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse>();
    var requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .serverReflectionInfo(firstOf(answer));
    requests.onNext(
        io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
            .setListServices("")
            .build());
    requests.onCompleted();
    return await(answer).getListServicesResponse().getServiceList().stream()
        .map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
        .toList();
  }

  private static <T> StreamObserver<T> firstOf(CompletableFuture<T> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T response) {
        answer.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        answer.completeExceptionally(error);
      }

      @Override
      public void onCompleted() {
        answer.completeExceptionally(
            Status.INTERNAL
                .withDescription("reflection ended without an answer")
                .asRuntimeException());
      }
    };
  }

  private static <T> T await(CompletableFuture<T> answer) throws InterruptedException {
    try {
      return answer.get(DEADLINE_SECONDS + 1, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      throw Status.fromThrowable(failed.getCause()).asRuntimeException();
    } catch (TimeoutException hung) {
      throw Status.DEADLINE_EXCEEDED.withDescription("no reflection answer").asRuntimeException();
    }
  }
}
