"""The rulebook on RunCall in peer_control.proto: each description it lists is refused with
INVALID_ARGUMENT and a message containing its phrase, the first problem in the rulebook's order."""

from collections.abc import Callable
from dataclasses import dataclass

import grpc
import pytest
from calculator.v1 import calculator_pb2
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

CALCULATE = "calculator.v1.CalculatorService/Calculate"
CALCULATE_REQUEST = "calculator.v1.CalculateRequest"
# For the control calls themselves; the descriptions are refused before any call is made.
CONTROL_TIMEOUT_SECONDS = 10

Spoil = Callable[[peer_control_pb2.RunCallRequest], None]


@dataclass(frozen=True)
class Rule:
    problem: str
    spoil: Spoil
    # What the refusal's message must contain, case-sensitively.
    phrases: tuple[str, ...]


def packed(message: Message) -> any_pb2.Any:
    result = any_pb2.Any()
    result.Pack(message)
    return result


def one_plus_two() -> any_pb2.Any:
    return packed(
        calculator_pb2.CalculateRequest(
            operation=calculator_pb2.OPERATION_ADD,
            left=calculator_pb2.Number(integer=1),
            right=calculator_pb2.Number(integer=2),
        )
    )


def good_description(target: str) -> peer_control_pb2.RunCallRequest:
    return peer_control_pb2.RunCallRequest(
        target=target,
        method=CALCULATE,
        requests=[one_plus_two()],
        timeout=duration_pb2.Duration(seconds=10),
    )


def set_fields(**fields: object) -> Spoil:
    def spoil(description: peer_control_pb2.RunCallRequest) -> None:
        for name, value in fields.items():
            setattr(description, name, value)

    return spoil


def clear(name: str) -> Spoil:
    return lambda description: description.ClearField(name)


def add_metadata(**entry: object) -> Spoil:
    return lambda description: description.metadata.add(**entry)


def replace_first_request(request: any_pb2.Any) -> Spoil:
    def spoil(description: peer_control_pb2.RunCallRequest) -> None:
        description.requests[0].CopyFrom(request)

    return spoil


def add_request(description: peer_control_pb2.RunCallRequest) -> None:
    description.requests.append(one_plus_two())


def drop_requests(description: peer_control_pb2.RunCallRequest) -> None:
    del description.requests[:]


def set_timeout(seconds: int) -> Spoil:
    return lambda description: description.timeout.CopyFrom(duration_pb2.Duration(seconds=seconds))


def set_tls(**fields: bytes) -> Spoil:
    def spoil(description: peer_control_pb2.RunCallRequest) -> None:
        tls = description.channel.tls
        tls.SetInParent()  # TLS asked for, even with no field set.
        tls.ClearField("ca_cert")
        for name, value in fields.items():
            setattr(tls, name, value)

    return spoil


def set_load_balancing_policy(policy: str) -> Spoil:
    return lambda description: setattr(description.channel, "load_balancing_policy", policy)


def cancel_after_responses(count: int) -> Spoil:
    return lambda description: description.cancel.CopyFrom(
        peer_control_pb2.Cancellation(after_responses=count)
    )


# One bad description per rule, in the rulebook's order. Each spoils only what its rule is about,
# so that any later ones can be applied on top of it (see test_the_first_problem_is_reported).
RULEBOOK = [
    Rule("no target", clear("target"), ("target is required",)),
    Rule(
        "a method no service declares",
        set_fields(method="calculator.v1.CalculatorService/Nope"),
        ("unknown method", "calculator.v1.CalculatorService/Nope"),
    ),
    Rule(
        "a request of another type",
        replace_first_request(packed(calculator_pb2.SumRequest())),
        ("is not the input type", CALCULATE_REQUEST),
    ),
    Rule(
        "a request that does not parse",
        replace_first_request(
            any_pb2.Any(type_url=f"type.googleapis.com/{CALCULATE_REQUEST}", value=b"\xff\x01")
        ),
        ("does not parse as", CALCULATE_REQUEST),
    ),
    Rule("two requests for a unary method", add_request, ("takes exactly one request",)),
    Rule("no timeout", clear("timeout"), ("timeout is required",)),
    Rule("an unknown compression", set_fields(compression="br"), ("unknown compression",)),
    Rule(
        "a -bin key with a text value",
        add_metadata(key="x-trace-bin", text="abc"),
        ("must be binary",),
    ),
    Rule(
        "a text key with a binary value",
        add_metadata(key="x-trace", binary=b"abc"),
        ("must be text",),
    ),
    Rule(
        "an unknown load-balancing policy",
        set_load_balancing_policy("least_request"),
        ("unknown load_balancing_policy",),
    ),
    Rule("TLS without ca_cert", set_tls(), ("ca_cert is required",)),
    Rule(
        "client_cert without client_key",
        set_tls(ca_cert=b"ca", client_cert=b"cert"),
        ("client_cert and client_key go together",),
    ),
    Rule(
        "a cancellation after 0 responses",
        cancel_after_responses(0),
        ("after_responses must be at least 1",),
    ),
]

# Other descriptions each rule covers; not stackable under the order test.
VARIANTS = [
    Rule(
        "a service no contract declares",
        set_fields(method="nope.v1.Nope/Calculate"),
        ("unknown method", "nope.v1.Nope/Calculate"),
    ),
    Rule("no method", set_fields(method=""), ("unknown method",)),
    Rule("raw with an empty method", set_fields(raw=True, method=""), ("unknown method",)),
    Rule("no request for a unary method", drop_requests, ("takes exactly one request",)),
    Rule("a timeout of zero", set_timeout(0), ("timeout is required",)),
    Rule("a negative timeout", set_timeout(-1), ("timeout is required",)),
    Rule(
        "client_key without client_cert",
        set_tls(ca_cert=b"ca", client_key=b"key"),
        ("client_cert and client_key go together",),
    ),
]


def by_problem(rules: list[Rule]) -> list:
    return [pytest.param(rule, id=rule.problem) for rule in rules]


def spoiled(target: str, *rules: Rule) -> peer_control_pb2.RunCallRequest:
    description = good_description(target)
    for rule in rules:
        rule.spoil(description)
    return description


async def refusal(
    control: peer_control_pb2_grpc.PeerControlServiceStub,
    description: peer_control_pb2.RunCallRequest,
) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await control.RunCall(description, timeout=CONTROL_TIMEOUT_SECONDS)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
    return refused.value.details()


def assert_contains(message: str, phrases: tuple[str, ...]) -> None:
    missing = [phrase for phrase in phrases if phrase not in message]
    assert not missing, f"refusal {message!r} lacks {missing}"


async def test_the_good_description_is_carried_out(
    control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
) -> None:
    report = await control.RunCall(good_description(target), timeout=CONTROL_TIMEOUT_SECONDS)
    assert report.status.code == 0


@pytest.mark.parametrize("rule", by_problem(RULEBOOK + VARIANTS))
async def test_each_bad_description_is_refused_and_the_peer_keeps_serving(
    control: peer_control_pb2_grpc.PeerControlServiceStub, target: str, rule: Rule
) -> None:
    assert_contains(await refusal(control, spoiled(target, rule)), rule.phrases)
    after = await control.RunCall(good_description(target), timeout=CONTROL_TIMEOUT_SECONDS)
    assert after.status.code == 0


@pytest.mark.parametrize(
    "position", [pytest.param(i, id=r.problem) for i, r in enumerate(RULEBOOK)]
)
async def test_the_first_problem_is_reported(
    control: peer_control_pb2_grpc.PeerControlServiceStub, target: str, position: int
) -> None:
    # This rule's problem and every later one's at once; the later ones are applied first, so that
    # an earlier rule's spoiling wins where two touch the same field.
    rules = list(reversed(RULEBOOK[position:]))
    message = await refusal(control, spoiled(target, *rules))
    assert_contains(message, RULEBOOK[position].phrases)


@pytest.mark.parametrize("rule", by_problem(RULEBOOK))
async def test_run_calls_refuses_the_batch_and_names_the_call(
    control: peer_control_pb2_grpc.PeerControlServiceStub, target: str, rule: Rule
) -> None:
    batch = [good_description(target), spoiled(target, rule), good_description(target)]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await control.RunCalls(
            peer_control_pb2.RunCallsRequest(calls=batch), timeout=CONTROL_TIMEOUT_SECONDS
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith("call 1: ")
    assert_contains(refused.value.details(), rule.phrases)
