package dev.grpcinterop.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The single answer of a client-streaming call, awaited like a blocking call's. */
final class UnaryAnswer<T> implements StreamObserver<T> {
  private final CompletableFuture<T> answer = new CompletableFuture<>();
  private T value;

  @Override
  public void onNext(T value) {
    this.value = value;
  }

  @Override
  public void onError(Throwable error) {
    answer.completeExceptionally(error);
  }

  @Override
  public void onCompleted() {
    answer.complete(value);
  }

  /** Waits a little past the call's deadline: the deadline itself ends the call before then. */
  T await(Duration deadline) {
    try {
      return answer.get(deadline.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      throw Status.fromThrowable(failed.getCause())
          .asRuntimeException(Status.trailersFromThrowable(failed.getCause()));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } catch (TimeoutException hung) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription("no answer within the deadline")
          .asRuntimeException();
    }
  }
}
