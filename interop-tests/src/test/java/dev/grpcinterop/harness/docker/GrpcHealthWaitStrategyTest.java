package dev.grpcinterop.harness.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class GrpcHealthWaitStrategyTest {
  @Test
  void anyStatusButNoConnectionOrNoAnswerIsAGrpcServerAnswering() {
    assertThat(GrpcHealthWaitStrategy.answered(Status.Code.UNIMPLEMENTED)).isTrue();
    assertThat(GrpcHealthWaitStrategy.answered(Status.Code.PERMISSION_DENIED)).isTrue();
    assertThat(GrpcHealthWaitStrategy.answered(Status.Code.UNAVAILABLE)).isFalse();
    assertThat(GrpcHealthWaitStrategy.answered(Status.Code.DEADLINE_EXCEEDED)).isFalse();
  }
}
