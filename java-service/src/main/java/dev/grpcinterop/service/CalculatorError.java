package dev.grpcinterop.service;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * An error the calculator contract defines: a status code, the exact message, and at most one field
 * violation. It travels as a {@code google.rpc.Status} so that every language's client can decode
 * the same details.
 */
final class CalculatorError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Code code;
  private final String field;
  private final String description;

  private CalculatorError(Code code, String message, String field, String description) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
    this.description = description;
  }

  static CalculatorError invalidArgument(String message, String field, String description) {
    return new CalculatorError(Code.INVALID_ARGUMENT, message, field, description);
  }

  static CalculatorError integerOverflow() {
    return new CalculatorError(Code.OUT_OF_RANGE, "integer overflow", null, null);
  }

  com.google.rpc.Status toStatus() {
    var status =
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(getMessage());
    if (field != null) {
      var violation =
          BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description);
      status.addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(violation).build()));
    }
    return status.build();
  }

  StatusRuntimeException toStatusRuntimeException() {
    return StatusProto.toStatusRuntimeException(toStatus());
  }
}
