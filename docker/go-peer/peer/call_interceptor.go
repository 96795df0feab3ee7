package peer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"grpcinterop.dev/go-peer/calculator"
)

const (
	echoInitialKey         = "x-grpc-test-echo-initial"
	echoTrailingKey        = "x-grpc-test-echo-trailing-bin"
	callIDKey              = "x-interop-call-id"
	responseCompressionKey = "x-interop-response-compression"
	serverIDKey            = "x-interop-server-id"
	statusDetailsKey       = "grpc-status-details-bin"
)

// callInterceptor does around every handler what every method does besides its own work: the
// server-id header, the metadata echo, response compression on request, the call records for
// GetServerCall and contract errors' google.rpc.Status. Done once here, so that it covers every
// method, including ones added to calculator.proto later.
type callInterceptor struct {
	serverID string
	calls    *ServerCallLog
}

func (i *callInterceptor) unary(ctx context.Context, request any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	callID, err := i.begin(ctx, info.FullMethod, grpc.SetHeader, grpc.SetTrailer)
	if err != nil {
		return nil, err
	}
	response, err := handler(ctx, request)
	i.end(ctx, callID, err, grpc.SetTrailer)
	return response, err
}

func (i *callInterceptor) stream(server any, stream grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := stream.Context()
	setHeader := func(_ context.Context, md metadata.MD) error { return stream.SetHeader(md) }
	setTrailer := func(_ context.Context, md metadata.MD) error { stream.SetTrailer(md); return nil }
	callID, err := i.begin(ctx, info.FullMethod, setHeader, setTrailer)
	if err != nil {
		return err
	}
	err = handler(server, stream)
	i.end(ctx, callID, err, setTrailer)
	return err
}

type setMetadata func(context.Context, metadata.MD) error

// begin applies what the request metadata asks of every call, before the handler runs, and
// records the call when it carries a call id (returned, "" when none).
func (i *callInterceptor) begin(ctx context.Context, method string, setHeader, setTrailer setMetadata) (string, error) {
	incoming, _ := metadata.FromIncomingContext(ctx)
	headers := metadata.Pairs(serverIDKey, i.serverID)
	if echo := incoming.Get(echoInitialKey); len(echo) > 0 {
		headers.Append(echoInitialKey, echo...)
	}
	// Headers set before the handler runs go out even when the call fails: grpc-go then sends
	// them in a HEADERS frame of their own rather than a trailers-only response.
	_ = setHeader(ctx, headers)
	if echo := incoming.Get(echoTrailingKey); len(echo) > 0 {
		_ = setTrailer(ctx, metadata.MD{echoTrailingKey: echo})
	}

	compression := ""
	if asked := incoming.Get(responseCompressionKey); len(asked) > 0 {
		switch asked[0] {
		case "identity":
		case "gzip":
			// Fails only when the client did not advertise gzip in grpc-accept-encoding.
			if err := grpc.SetSendCompressor(ctx, "gzip"); err == nil {
				compression = "gzip"
			}
		default:
			return "", status.Errorf(codes.InvalidArgument, `unknown %s "%s" (use identity or gzip)`, responseCompressionKey, asked[0])
		}
	}

	ids := incoming.Get(callIDKey)
	if len(ids) == 0 {
		return "", nil
	}
	record := ServerCall{Method: strings.TrimPrefix(method, "/"), ResponseCompression: compression}
	if deadline, ok := ctx.Deadline(); ok {
		record.DeadlineRemaining, record.HasDeadline = time.Until(deadline), true
	}
	if client, ok := peer.FromContext(ctx); ok {
		record.Peer = client.Addr.String()
	}
	i.calls.Add(ids[0], record)
	return ids[0], nil
}

// end records a cancellation the handler saw, and puts a contract error's google.rpc.Status in
// the trailers.
func (i *callInterceptor) end(ctx context.Context, callID string, err error, setTrailer setMetadata) {
	if callID != "" && ctx.Err() != nil {
		// The context ends with the call only after the handler has returned, so an error here
		// means the client cancelled or the deadline passed while the handler ran.
		i.calls.Update(callID, func(call *ServerCall) { call.Cancelled = true })
	}
	var contractError *calculator.ContractError
	if errors.As(err, &contractError) {
		// grpc-go sends grpc-status-details-bin only for a status with details; the contract wants
		// the google.rpc.Status of errors without details too (integer overflow). With details,
		// grpc-go replaces this one with its own, the same.
		details, marshalErr := proto.Marshal(contractError.GRPCStatus().Proto())
		if marshalErr != nil {
			panic(fmt.Sprintf("a google.rpc.Status always marshals: %v", marshalErr))
		}
		_ = setTrailer(ctx, metadata.MD{statusDetailsKey: []string{string(details)}})
	}
}
