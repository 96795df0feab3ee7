"""LoadContract: the peer's client calls a contract its image was never generated from.

The contract is compiled here, by grpc_tools' protoc, from proto text no image ever saw; a tiny
server in this test serves it, with message classes of its own built from the same set.
"""

import importlib.resources
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from calculator.v1 import calculator_pb2
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, duration_pb2, message_factory
from google.protobuf.message import Message
from grpc_tools import protoc
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

ECHO = "unseen.v1.Echo/Echo"
CALCULATE = "calculator.v1.CalculatorService/Calculate"
ECHO_STATUS = "interop.v1.PeerControlService/EchoStatus"
DURATION_PROTO = "google/protobuf/duration.proto"
# For every call a test makes: the control calls, and the calls the peer makes for them.
TIMEOUT_SECONDS = 10

CONTRACT_FILES = {
    "unseen/v1/messages.proto": """
        syntax = "proto3";
        package unseen.v1;
        import "google/protobuf/duration.proto";
        message EchoRequest { string text = 1; google.protobuf.Duration delay = 2; }
        message EchoResponse { string text = 1; google.protobuf.Duration delay = 2; }
    """,
    "unseen/v1/echo.proto": """
        syntax = "proto3";
        package unseen.v1;
        import "unseen/v1/messages.proto";
        service Echo { rpc Echo(EchoRequest) returns (EchoResponse); }
    """,
    # The calculator's name, with another input type: where both define a method, the loaded one wins.
    "elsewhere/calculator.proto": """
        syntax = "proto3";
        package calculator.v1;
        import "unseen/v1/messages.proto";
        service CalculatorService { rpc Calculate(unseen.v1.EchoRequest) returns (unseen.v1.EchoResponse); }
    """,
}


def compile_set(
    source: Path, *names: str, with_well_known: bool = True
) -> descriptor_pb2.FileDescriptorSet:
    """What `protoc --include_imports --descriptor_set_out` writes; the well-known types optional."""
    well_known = importlib.resources.files("grpc_tools") / "_proto"
    out = source / "set.binpb"
    exit_code = protoc.main(
        [
            "protoc",
            f"-I{source}",
            f"-I{well_known}",
            "--include_imports",
            f"--descriptor_set_out={out}",
            *(str(source / name) for name in names),
        ]
    )
    assert exit_code == 0, f"protoc failed on {names}"
    compiled = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    if not with_well_known:
        kept = [file for file in compiled.file if not file.name.startswith("google/protobuf/")]
        compiled = descriptor_pb2.FileDescriptorSet(file=kept)
    return compiled


def without(compiled: descriptor_pb2.FileDescriptorSet, name: str) -> bytes:
    kept = [file for file in compiled.file if file.name != name]
    assert len(kept) < len(compiled.file), f"{name} was not in the set"
    return descriptor_pb2.FileDescriptorSet(file=kept).SerializeToString()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contract")
    for name, text in CONTRACT_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def echo_set(source: Path) -> descriptor_pb2.FileDescriptorSet:
    return compile_set(source, "unseen/v1/echo.proto")


class EchoTypes:
    """The test server's own message classes, built from the set as any dynamic server would."""

    def __init__(self, compiled: descriptor_pb2.FileDescriptorSet) -> None:
        pool = descriptor_pool.DescriptorPool()
        for file in compiled.file:  # protoc writes every file after its imports.
            pool.Add(file)
        self.request = message_factory.GetMessageClass(
            pool.FindMessageTypeByName("unseen.v1.EchoRequest")
        )
        self.response = message_factory.GetMessageClass(
            pool.FindMessageTypeByName("unseen.v1.EchoResponse")
        )


@pytest.fixture(scope="module")
def echo_types(echo_set: descriptor_pb2.FileDescriptorSet) -> EchoTypes:
    return EchoTypes(echo_set)


@pytest.fixture
async def echo_server(echo_types: EchoTypes) -> AsyncIterator[str]:
    async def echo(request: Message, context: grpc.aio.ServicerContext) -> Message:
        return echo_types.response(text=f"echo: {request.text}", delay=request.delay)

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                "unseen.v1.Echo",
                {
                    "Echo": grpc.unary_unary_rpc_method_handler(
                        echo,
                        request_deserializer=echo_types.request.FromString,
                        response_serializer=echo_types.response.SerializeToString,
                    )
                },
            ),
        )
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(0)


def packed(message: Message) -> any_pb2.Any:
    result = any_pb2.Any()
    result.Pack(message)
    return result


def call(target: str, method: str, request: Message) -> peer_control_pb2.RunCallRequest:
    return peer_control_pb2.RunCallRequest(
        target=target,
        method=method,
        requests=[packed(request)],
        timeout=duration_pb2.Duration(seconds=TIMEOUT_SECONDS),
    )


async def load(
    control: peer_control_pb2_grpc.PeerControlServiceStub, serialized: bytes
) -> peer_control_pb2.LoadContractResponse:
    return await control.LoadContract(
        peer_control_pb2.LoadContractRequest(file_descriptor_set=serialized),
        timeout=TIMEOUT_SECONDS,
    )


async def refused_load(
    control: peer_control_pb2_grpc.PeerControlServiceStub, serialized: bytes
) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await load(control, serialized)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
    return refused.value.details()


async def run_call(
    control: peer_control_pb2_grpc.PeerControlServiceStub,
    description: peer_control_pb2.RunCallRequest,
) -> peer_control_pb2.RunCallResponse:
    return await control.RunCall(description, timeout=TIMEOUT_SECONDS)


async def refused_call(
    control: peer_control_pb2_grpc.PeerControlServiceStub,
    description: peer_control_pb2.RunCallRequest,
) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await run_call(control, description)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
    return refused.value.details()


def echo_status_ok(target: str) -> peer_control_pb2.RunCallRequest:
    return call(target, ECHO_STATUS, peer_control_pb2.EchoStatusRequest(code=0))


class TestLoadedContract:
    @pytest.mark.parametrize("with_well_known", [True, False], ids=["wkt-in-set", "wkt-left-out"])
    async def test_is_called_with_dynamic_messages(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        source: Path,
        echo_server: str,
        echo_types: EchoTypes,
        with_well_known: bool,
    ) -> None:
        compiled = compile_set(source, "unseen/v1/echo.proto", with_well_known=with_well_known)
        assert (DURATION_PROTO in {file.name for file in compiled.file}) == with_well_known

        loaded = await load(control, compiled.SerializeToString())
        assert list(loaded.services) == ["unseen.v1.Echo"]

        # A timedelta: the Duration class of the test's pool is not duration_pb2's.
        delay = timedelta(seconds=3, microseconds=250)
        report = await run_call(
            control, call(echo_server, ECHO, echo_types.request(text="hi", delay=delay))
        )
        assert (report.status.code, report.status.message) == (0, "")
        [response] = report.responses
        assert response.type_url == "type.googleapis.com/unseen.v1.EchoResponse"
        assert echo_types.response.FromString(response.value) == echo_types.response(
            text="echo: hi", delay=delay
        )

    async def test_leaves_the_peers_own_services_callable(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        target: str,
        echo_set: descriptor_pb2.FileDescriptorSet,
    ) -> None:
        await load(control, echo_set.SerializeToString())
        report = await run_call(control, echo_status_ok(target))
        assert report.status.code == 0

    async def test_wins_where_it_defines_a_method_the_peer_has_too(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        source: Path,
        target: str,
    ) -> None:
        loaded = await load(
            control, compile_set(source, "elsewhere/calculator.proto").SerializeToString()
        )
        assert list(loaded.services) == ["calculator.v1.CalculatorService"]
        # The generated CalculateRequest is no longer the input type of Calculate.
        message = await refused_call(
            control, call(target, CALCULATE, calculator_pb2.CalculateRequest())
        )
        assert "is not the input type unseen.v1.EchoRequest" in message

    async def test_a_later_load_replaces_the_earlier(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        source: Path,
        echo_server: str,
        echo_set: descriptor_pb2.FileDescriptorSet,
        echo_types: EchoTypes,
    ) -> None:
        await load(control, echo_set.SerializeToString())
        await load(control, compile_set(source, "elsewhere/calculator.proto").SerializeToString())
        message = await refused_call(control, call(echo_server, ECHO, echo_types.request()))
        assert f'unknown method "{ECHO}"' in message


class TestRefusedContract:
    async def test_a_set_missing_an_import_names_the_file_and_the_import(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        echo_set: descriptor_pb2.FileDescriptorSet,
    ) -> None:
        message = await refused_load(control, without(echo_set, "unseen/v1/messages.proto"))
        assert "unseen/v1/echo.proto" in message
        assert "unseen/v1/messages.proto" in message

    async def test_bytes_that_are_not_a_descriptor_set(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub
    ) -> None:
        message = await refused_load(control, b"\xff")
        assert message.startswith("does not parse as a FileDescriptorSet")

    async def test_a_type_the_set_does_not_define_names_the_file(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        echo_set: descriptor_pb2.FileDescriptorSet,
    ) -> None:
        broken = descriptor_pb2.FileDescriptorSet()
        broken.CopyFrom(echo_set)
        [echo_file] = [file for file in broken.file if file.name == "unseen/v1/echo.proto"]
        echo_file.service[0].method[0].input_type = ".unseen.v1.Nope"
        message = await refused_load(control, broken.SerializeToString())
        assert 'file "unseen/v1/echo.proto" does not link' in message

    async def test_leaves_the_previous_contract_in_place(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        echo_server: str,
        echo_set: descriptor_pb2.FileDescriptorSet,
        echo_types: EchoTypes,
    ) -> None:
        await load(control, echo_set.SerializeToString())
        await refused_load(control, without(echo_set, "unseen/v1/messages.proto"))
        report = await run_call(control, call(echo_server, ECHO, echo_types.request(text="still")))
        assert report.status.code == 0
        [response] = report.responses
        assert echo_types.response.FromString(response.value).text == "echo: still"
