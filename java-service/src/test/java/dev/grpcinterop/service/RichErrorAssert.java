package dev.grpcinterop.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts a calculator error as the contract states it: code, message and field violation. */
final class RichErrorAssert {
  private RichErrorAssert() {}

  static void assertFieldError(
      ThrowingCallable call, Status.Code code, String message, String field, String description)
      throws InvalidProtocolBufferException {
    com.google.rpc.Status rich = assertError(call, code, message);
    assertThat(rich.getDetailsList()).as("details of \"%s\"", message).hasSize(1);
    assertThat(rich.getDetails(0).unpack(BadRequest.class).getFieldViolationsList())
        .singleElement()
        .satisfies(
            violation -> {
              assertThat(violation.getField()).isEqualTo(field);
              assertThat(violation.getDescription()).isEqualTo(description);
            });
  }

  static com.google.rpc.Status assertError(
      ThrowingCallable call, Status.Code code, String message) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(failure).as("the call should fail with %s \"%s\"", code, message).isNotNull();
    assertThat(failure.getStatus().getCode()).isEqualTo(code);
    assertThat(failure.getStatus().getDescription()).isEqualTo(message);
    com.google.rpc.Status rich = StatusProto.fromThrowable(failure);
    assertThat(rich).as("google.rpc.Status in grpc-status-details-bin").isNotNull();
    assertThat(rich.getCode()).isEqualTo(code.value());
    assertThat(rich.getMessage()).isEqualTo(message);
    return rich;
  }
}
