package peer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// CallRunner is RunCall's client. Nothing here knows the calculator: the method, its message types
// and its streaming kind all come from the descriptors the generated code registered in
// protoregistry.GlobalFiles, so a new RPC needs no change. In raw mode not even that: the requests
// go out as the bytes given, to whatever path is named.
type CallRunner struct {
	channels *channels
}

func NewCallRunner() *CallRunner {
	return &CallRunner{channels: newChannels()}
}

func (r *CallRunner) Close() {
	r.channels.close()
}

// plannedCall is a RunCallRequest that was checked and translated: everything needed for the call.
type plannedCall struct {
	conn *grpc.ClientConn
	path string
	desc *grpc.StreamDesc
	// Messages of the method's input type, or rawMessage in raw mode.
	requests []any
	// newResponse makes a message to receive a response into; pack turns it into an Any.
	newResponse func() any
	pack        func(any) *anypb.Any
	timeout     time.Duration
	metadata    metadata.MD
	callOptions []grpc.CallOption
	cancel      *interopv1.Cancellation
	pingPong    bool
}

// Run makes one call as described and reports what the client observed.
func (r *CallRunner) Run(ctx context.Context, description *interopv1.RunCallRequest) (*interopv1.RunCallResponse, error) {
	plan, err := r.plan(description)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return plan.run(ctx), nil
}

// RunAll checks every description, then makes every call at once; calls to one target share its
// connection.
func (r *CallRunner) RunAll(ctx context.Context, descriptions []*interopv1.RunCallRequest) ([]*interopv1.RunCallResponse, error) {
	plans := make([]*plannedCall, len(descriptions))
	for index, description := range descriptions {
		plan, err := r.plan(description)
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "call %d: %v", index, err)
		}
		plans[index] = plan
	}
	results := make([]*interopv1.RunCallResponse, len(plans))
	var calls sync.WaitGroup
	for index, plan := range plans {
		calls.Go(func() { results[index] = plan.run(ctx) })
	}
	calls.Wait()
	return results, nil
}

// plan checks a description; the error says why it cannot be carried out.
func (r *CallRunner) plan(description *interopv1.RunCallRequest) (*plannedCall, error) {
	if description.GetTarget() == "" {
		return nil, errors.New("target is required")
	}
	var plan *plannedCall
	var err error
	if description.GetRaw() {
		plan, err = rawPlan(description)
	} else {
		plan, err = typedPlan(description)
	}
	if err != nil {
		return nil, err
	}
	if description.GetTimeout() == nil {
		return nil, errors.New("timeout is required")
	}
	plan.timeout = description.GetTimeout().AsDuration()
	switch description.GetCompression() {
	case "", "identity":
	case "gzip":
		plan.callOptions = append(plan.callOptions, grpc.UseCompressor("gzip"))
	default:
		return nil, fmt.Errorf(`unknown compression "%s" (use "", "identity" or "gzip")`, description.GetCompression())
	}
	if plan.metadata, err = outgoingMetadata(description.GetMetadata()); err != nil {
		return nil, err
	}
	options, err := dialOptions(description.GetChannel())
	if err != nil {
		return nil, fmt.Errorf("channel: %v", err)
	}
	if plan.conn, err = r.channels.get(description.GetTarget(), description.GetChannel(), options); err != nil {
		return nil, fmt.Errorf("target %s: %v", description.GetTarget(), err)
	}
	plan.cancel = description.GetCancel()
	plan.pingPong = description.GetPingPong()
	return plan, nil
}

// typedPlan resolves the method in the descriptors of every proto the peer was generated from,
// and unpacks the requests into its input type.
func typedPlan(description *interopv1.RunCallRequest) (*plannedCall, error) {
	name := description.GetMethod()
	method, ok := findMethod(name)
	if !ok {
		if name == "" {
			name = "(empty)"
		}
		return nil, fmt.Errorf("unknown method %s", name)
	}
	inputType, err := protoregistry.GlobalTypes.FindMessageByName(method.Input().FullName())
	if err != nil {
		return nil, fmt.Errorf("input type of %s: %v", name, err)
	}
	outputType, err := protoregistry.GlobalTypes.FindMessageByName(method.Output().FullName())
	if err != nil {
		return nil, fmt.Errorf("output type of %s: %v", name, err)
	}
	requests := make([]any, len(description.GetRequests()))
	for index, packed := range description.GetRequests() {
		if packed.MessageName() != method.Input().FullName() {
			return nil, fmt.Errorf(`request %d: type_url "%s" is not the input type %s`, index, packed.GetTypeUrl(), method.Input().FullName())
		}
		request := inputType.New().Interface()
		if err := proto.Unmarshal(packed.GetValue(), request); err != nil {
			return nil, fmt.Errorf("request %d: does not parse as %s: %v", index, method.Input().FullName(), err)
		}
		requests[index] = request
	}
	if !method.IsStreamingClient() && len(requests) != 1 {
		return nil, fmt.Errorf("%s takes exactly one request, got %d", name, len(requests))
	}
	return &plannedCall{
		path:        "/" + name,
		desc:        &grpc.StreamDesc{ClientStreams: method.IsStreamingClient(), ServerStreams: method.IsStreamingServer()},
		requests:    requests,
		newResponse: func() any { return outputType.New().Interface() },
		pack: func(response any) *anypb.Any {
			packed, err := anypb.New(response.(proto.Message))
			if err != nil {
				panic(fmt.Sprintf("a received message always marshals again: %v", err))
			}
			return packed
		},
	}, nil
}

func findMethod(name string) (protoreflect.MethodDescriptor, bool) {
	service, method, ok := strings.Cut(name, "/")
	if !ok {
		return nil, false
	}
	descriptor, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(service))
	if err != nil {
		return nil, false
	}
	serviceDescriptor, ok := descriptor.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, false
	}
	methodDescriptor := serviceDescriptor.Methods().ByName(protoreflect.Name(method))
	return methodDescriptor, methodDescriptor != nil
}

// rawPlan is a call to any path as a bidirectional stream of bytes, which is what every gRPC call
// is on the wire.
func rawPlan(description *interopv1.RunCallRequest) (*plannedCall, error) {
	if description.GetMethod() == "" {
		return nil, errors.New("unknown method (empty)")
	}
	// raw_repeat concatenates the bytes into one message: protobuf merges concatenated messages.
	times := max(1, int(description.GetRawRepeat()))
	requests := make([]any, len(description.GetRequests()))
	for index, packed := range description.GetRequests() {
		requests[index] = rawMessage(repeatBytes(packed.GetValue(), times))
	}
	return &plannedCall{
		path:        "/" + description.GetMethod(),
		desc:        &grpc.StreamDesc{ClientStreams: true, ServerStreams: true},
		requests:    requests,
		newResponse: func() any { return new(rawMessage) },
		// No type_url: in raw mode the client does not know, or claim, what the bytes are.
		pack:        func(response any) *anypb.Any { return &anypb.Any{Value: *response.(*rawMessage)} },
		callOptions: []grpc.CallOption{grpc.ForceCodecV2(rawCodec{})},
	}, nil
}

func repeatBytes(value []byte, times int) []byte {
	repeated := make([]byte, 0, len(value)*times)
	for range times {
		repeated = append(repeated, value...)
	}
	return repeated
}

func outgoingMetadata(entries []*interopv1.MetadataEntry) (metadata.MD, error) {
	md := metadata.MD{}
	for index, entry := range entries {
		binaryKey := strings.HasSuffix(entry.GetKey(), "-bin")
		switch entry.GetValue().(type) {
		case *interopv1.MetadataEntry_Text:
			if binaryKey {
				return nil, fmt.Errorf(`metadata %d: key "%s" ends in -bin, so its value must be binary`, index, entry.GetKey())
			}
			md.Append(entry.GetKey(), entry.GetText())
		case *interopv1.MetadataEntry_Binary:
			if !binaryKey {
				return nil, fmt.Errorf(`metadata %d: key "%s" has no -bin suffix, so its value must be text`, index, entry.GetKey())
			}
			// grpc-go base64-encodes the values of -bin keys on the wire.
			md.Append(entry.GetKey(), string(entry.GetBinary()))
		default:
			md.Append(entry.GetKey(), "")
		}
	}
	return md, nil
}

// run makes the call; whatever happens to it is the observation, never an error of RunCall.
func (p *plannedCall) run(parent context.Context) *interopv1.RunCallResponse {
	started := time.Now()
	ctx, cancel := context.WithTimeout(metadata.NewOutgoingContext(parent, p.metadata), p.timeout)
	defer cancel()

	var responses []any
	stream, err := p.conn.NewStream(ctx, p.desc, p.path, p.callOptions...)
	if err == nil {
		err = p.exchange(stream, cancel, &responses)
	}
	var observed *status.Status
	if errors.Is(err, io.EOF) {
		observed = status.New(codes.OK, "")
	} else {
		observed = status.Convert(err)
	}
	elapsed := time.Since(started)

	result := &interopv1.RunCallResponse{
		Status:  &interopv1.CallStatus{Code: int32(observed.Code()), Message: observed.Message()},
		Elapsed: durationpb.New(elapsed),
	}
	if stream != nil {
		// Both return at once now that the call has ended.
		headers, _ := stream.Header()
		trailers := stream.Trailer()
		result.Headers = reportedMetadata(headers)
		result.Trailers = reportedMetadata(trailers)
		if details := trailers.Get(statusDetailsKey); len(details) > 0 {
			result.Status.Details = []byte(details[0])
		}
	}
	for _, response := range responses {
		result.Responses = append(result.Responses, p.pack(response))
	}
	return result
}

// exchange sends the requests and collects the responses as RunCallRequest describes; it returns
// io.EOF when the call ended with OK, and the call's error otherwise.
func (p *plannedCall) exchange(stream grpc.ClientStream, cancel context.CancelFunc, responses *[]any) error {
	if p.cancel.GetAfterBegin() {
		cancel()
		return status.FromContextError(context.Canceled).Err()
	}
	cancelAfter := -1
	if when, ok := p.cancel.GetWhen().(*interopv1.Cancellation_AfterResponses); ok {
		cancelAfter = int(when.AfterResponses)
	}
	cancelDue := func() bool { return cancelAfter >= 0 && len(*responses) >= cancelAfter }
	cancelNow := func() error {
		cancel()
		return status.FromContextError(context.Canceled).Err()
	}

	if p.pingPong && p.desc.ClientStreams && p.desc.ServerStreams {
		for _, request := range p.requests {
			if cancelDue() {
				return cancelNow()
			}
			if err := stream.SendMsg(request); err != nil {
				break // The call has ended; its status comes from RecvMsg.
			}
			response := p.newResponse()
			if err := stream.RecvMsg(response); err != nil {
				return err
			}
			*responses = append(*responses, response)
		}
		stream.CloseSend()
	} else {
		// Requests go out while responses come in, as in any asynchronous client: writing
		// everything first could stall on flow control when both streams are large.
		go func() {
			for _, request := range p.requests {
				if stream.SendMsg(request) != nil {
					return // The call has ended; its status comes from RecvMsg.
				}
			}
			stream.CloseSend()
		}()
	}
	for {
		if cancelDue() {
			return cancelNow()
		}
		response := p.newResponse()
		if err := stream.RecvMsg(response); err != nil {
			return err
		}
		*responses = append(*responses, response)
	}
}

// reportedMetadata is metadata as RunCallResponse reports it, less the grpc- keys. metadata.MD is
// a map, which kept the order of each key's values but not of the keys: they are sorted.
func reportedMetadata(md metadata.MD) []*interopv1.MetadataEntry {
	var entries []*interopv1.MetadataEntry
	for _, key := range slices.Sorted(maps.Keys(md)) {
		if strings.HasPrefix(key, "grpc-") {
			continue
		}
		for _, value := range md[key] {
			entry := &interopv1.MetadataEntry{Key: key}
			if strings.HasSuffix(key, "-bin") {
				entry.Value = &interopv1.MetadataEntry_Binary{Binary: []byte(value)}
			} else {
				entry.Value = &interopv1.MetadataEntry_Text{Text: value}
			}
			entries = append(entries, entry)
		}
	}
	return entries
}
