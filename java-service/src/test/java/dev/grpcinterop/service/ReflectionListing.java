package dev.grpcinterop.service;

import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The services a server lists through server reflection, for tests of what it serves. */
public final class ReflectionListing {
  private ReflectionListing() {}

  public static List<String> services(Channel channel) throws Exception {
    var listed = new CompletableFuture<ServerReflectionResponse>();
    var requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    listed.complete(response);
                  }

                  @Override
                  public void onError(Throwable error) {
                    listed.completeExceptionally(error);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    return listed.get(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName)
        .toList();
  }
}
