"""The errors the peer's services answer with, in the shape calculator.proto prescribes.

Handlers raise a StatusError; the CallInterceptor alone turns it into the gRPC status and its
google.rpc.Status trailer, so that every method reports errors the same way and the trailer can
carry the metadata echo alongside the details.
"""

from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class StatusError(Exception):
    """A call that ends with a non-OK status, and at most one field violation as its detail.

    The status goes out with its google.rpc.Status in the grpc-status-details-bin trailer, unless
    with_details is False: then only the code and the message, as a plain gRPC error.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        violation: FieldViolation | None = None,
        *,
        with_details: bool = True,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.violation = violation
        self.with_details = with_details

    def to_rpc_status(self) -> status_pb2.Status:
        status = status_pb2.Status(code=self.code.value[0], message=self.message)
        if self.violation is not None:
            bad_request = error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=self.violation.field,
                        description=self.violation.description,
                    )
                ]
            )
            detail = any_pb2.Any()
            detail.Pack(bad_request)
            status.details.append(detail)
        return status


_CODES_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}


def status_code(number: int) -> grpc.StatusCode:
    """The code with this number; UNKNOWN for a number gRPC does not define, as grpc-java does."""
    return _CODES_BY_NUMBER.get(number, grpc.StatusCode.UNKNOWN)


def invalid_argument(
    message: str, field: str | None = None, description: str | None = None
) -> StatusError:
    violation = None if field is None else FieldViolation(field, description or "")
    return StatusError(grpc.StatusCode.INVALID_ARGUMENT, message, violation)


def integer_overflow() -> StatusError:
    return StatusError(grpc.StatusCode.OUT_OF_RANGE, "integer overflow")
