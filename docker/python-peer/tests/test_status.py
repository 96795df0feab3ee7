"""The google.rpc.Status that goes into the grpc-status-details-bin trailer."""

import grpc
from google.rpc import error_details_pb2

from peer.status import StatusError, integer_overflow, invalid_argument


def test_a_field_violation_becomes_one_bad_request_detail() -> None:
    status = invalid_argument("division by zero", "right", "must not be zero").to_rpc_status()
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert status.message == "division by zero"
    assert len(status.details) == 1
    assert status.details[0].type_url == "type.googleapis.com/google.rpc.BadRequest"
    bad_request = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("right", "must not be zero")
    ]


def test_no_violation_means_no_details() -> None:
    status = integer_overflow().to_rpc_status()
    assert (status.code, status.message, list(status.details)) == (11, "integer overflow", [])


def test_other_codes_keep_their_number() -> None:
    status = StatusError(grpc.StatusCode.NOT_FOUND, "no call with id x").to_rpc_status()
    assert status.code == 5
