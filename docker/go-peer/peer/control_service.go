package peer

import (
	"context"
	"log"
	"runtime"
	"runtime/debug"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// controlService is interop.v1.PeerControlService: the suite's handle on this peer's client
// (RunCall, RunCalls, RunLoad, and LoadContract for the methods they may name) and server
// (GetServerCall, EchoStatus, SetServing).
type controlService struct {
	interopv1.UnimplementedPeerControlServiceServer
	runner  *CallRunner
	calls   *ServerCallLog
	serving *serving
}

func (s *controlService) Describe(context.Context, *interopv1.DescribeRequest) (*interopv1.DescribeResponse, error) {
	return &interopv1.DescribeResponse{
		Language:        "go",
		GrpcLibrary:     "grpc-go " + moduleVersion("google.golang.org/grpc"),
		ProtobufLibrary: "protobuf-go " + moduleVersion("google.golang.org/protobuf"),
		Runtime:         "Go " + strings.TrimPrefix(runtime.Version(), "go"),
	}, nil
}

// moduleVersion is the version of a module linked into this binary, as go.mod resolved it.
func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, module := range info.Deps {
			if module.Path == path {
				if module.Replace != nil {
					return module.Replace.Version
				}
				return module.Version
			}
		}
	}
	return "(unknown version)"
}

func (s *controlService) RunCall(ctx context.Context, request *interopv1.RunCallRequest) (*interopv1.RunCallResponse, error) {
	return s.runner.Run(ctx, request)
}

func (s *controlService) RunCalls(ctx context.Context, request *interopv1.RunCallsRequest) (*interopv1.RunCallsResponse, error) {
	results, err := s.runner.RunAll(ctx, request.GetCalls())
	if err != nil {
		return nil, err
	}
	return &interopv1.RunCallsResponse{Results: results}, nil
}

func (s *controlService) RunLoad(ctx context.Context, request *interopv1.RunLoadRequest) (*interopv1.RunLoadResponse, error) {
	return s.runner.RunLoad(ctx, request)
}

func (s *controlService) GetServerCall(_ context.Context, request *interopv1.GetServerCallRequest) (*interopv1.GetServerCallResponse, error) {
	call, ok := s.calls.Find(request.GetCallId())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no call with id %s", request.GetCallId())
	}
	response := &interopv1.GetServerCallResponse{
		Method:              call.Method,
		Cancelled:           call.Cancelled,
		ResponseCompression: call.ResponseCompression,
		Peer:                call.Peer,
	}
	if call.HasDeadline {
		response.DeadlineRemaining = durationpb.New(call.DeadlineRemaining)
	}
	return response, nil
}

func (s *controlService) EchoStatus(_ context.Context, request *interopv1.EchoStatusRequest) (*interopv1.EchoStatusResponse, error) {
	if request.GetCode() == 0 {
		return &interopv1.EchoStatusResponse{}, nil
	}
	return nil, status.Error(codes.Code(request.GetCode()), request.GetMessage())
}

func (s *controlService) SetServing(_ context.Context, request *interopv1.SetServingRequest) (*interopv1.SetServingResponse, error) {
	s.serving.set(request.GetServing())
	return &interopv1.SetServingResponse{}, nil
}

func (s *controlService) LoadContract(_ context.Context, request *interopv1.LoadContractRequest) (*interopv1.LoadContractResponse, error) {
	services, err := s.runner.Load(request.GetFileDescriptorSet())
	if err != nil {
		return nil, err
	}
	log.Printf("loaded a contract declaring %d services: %s", len(services), strings.Join(services, ", "))
	return &interopv1.LoadContractResponse{Services: services}, nil
}
