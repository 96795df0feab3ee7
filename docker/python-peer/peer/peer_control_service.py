"""interop.v1.PeerControlService: how the Java suite drives this peer."""

import logging
import platform

import grpc
from google.protobuf import __version__ as protobuf_version
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

from peer.call_runner import CallRunner
from peer.load_runner import LoadRunner
from peer.server_calls import ServerCallLog
from peer.serving import ServingStatus
from peer.status import StatusError, status_code

log = logging.getLogger(__name__)


class PeerControlService(peer_control_pb2_grpc.PeerControlServiceServicer):
    def __init__(
        self,
        call_runner: CallRunner,
        load_runner: LoadRunner,
        call_log: ServerCallLog,
        serving: ServingStatus,
    ) -> None:
        self._call_runner = call_runner
        self._load_runner = load_runner
        self._call_log = call_log
        self._serving = serving

    async def Describe(
        self, request: peer_control_pb2.DescribeRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.DescribeResponse:
        return peer_control_pb2.DescribeResponse(
            language="python",
            grpc_library=f"grpcio {grpc.__version__}",
            protobuf_library=f"protobuf {protobuf_version}",
            runtime=f"{platform.python_implementation()} {platform.python_version()}",
        )

    async def RunCall(
        self, request: peer_control_pb2.RunCallRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.RunCallResponse:
        return await self._call_runner.run(request)

    async def LoadContract(
        self, request: peer_control_pb2.LoadContractRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.LoadContractResponse:
        contract = self._call_runner.load_contract(request.file_descriptor_set)
        log.info("loaded a contract with services: %s", ", ".join(contract.services) or "none")
        return peer_control_pb2.LoadContractResponse(services=contract.services)

    async def RunCalls(
        self, request: peer_control_pb2.RunCallsRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.RunCallsResponse:
        return peer_control_pb2.RunCallsResponse(
            results=await self._call_runner.run_all(request.calls)
        )

    async def RunLoad(
        self, request: peer_control_pb2.RunLoadRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.RunLoadResponse:
        return await self._load_runner.run(request)

    async def EchoStatus(
        self, request: peer_control_pb2.EchoStatusRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.EchoStatusResponse:
        if request.code == 0:
            return peer_control_pb2.EchoStatusResponse()
        # The status alone, message untouched: the case checks how the text crosses the wire.
        raise StatusError(status_code(request.code), request.message, with_details=False)

    async def GetServerCall(
        self, request: peer_control_pb2.GetServerCallRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.GetServerCallResponse:
        call = self._call_log.find(request.call_id)
        if call is None:
            raise StatusError(grpc.StatusCode.NOT_FOUND, f"no call with id {request.call_id}")
        response = peer_control_pb2.GetServerCallResponse(
            method=call.method,
            cancelled=call.cancelled,
            response_compression=call.response_compression,
            peer=call.peer,
        )
        if call.deadline_remaining is not None:
            response.deadline_remaining.FromNanoseconds(int(call.deadline_remaining * 1e9))
        return response

    async def SetServing(
        self, request: peer_control_pb2.SetServingRequest, context: grpc.aio.ServicerContext
    ) -> peer_control_pb2.SetServingResponse:
        await self._serving.set(request.serving)
        return peer_control_pb2.SetServingResponse()
