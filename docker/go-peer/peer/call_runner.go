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
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// CallRunner is RunCall's client. Nothing here knows the calculator: the method, its message types
// and its streaming kind all come from descriptors, those of the contract LoadContract loaded first,
// then those the generated code registered in protoregistry.GlobalFiles, so a new RPC needs no
// change. In raw mode not even that: the requests go out as the bytes given, to whatever path is
// named.
type CallRunner struct {
	channels *channels
	// The last contract LoadContract loaded, nil before the first; swapped whole, so that a call
	// planned during a LoadContract sees one contract or the other.
	contract atomic.Pointer[contract]
}

func NewCallRunner() *CallRunner {
	return &CallRunner{channels: newChannels()}
}

func (r *CallRunner) Close() {
	r.channels.close()
}

// Load makes a serialized FileDescriptorSet the first place later calls find their methods in,
// replacing the contract loaded before, and returns the services it declares. A set that cannot be
// used is refused with INVALID_ARGUMENT and leaves the contract loaded before in place.
func (r *CallRunner) Load(serialized []byte) ([]string, error) {
	loaded, err := parseContract(serialized)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	r.contract.Store(loaded)
	return loaded.services, nil
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

	// How conn is dialled, from the description's ChannelConfig: RunLoad dials its own with them.
	dialOptions []grpc.DialOption
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

// plan checks a description and gives it the cached connection for its target and channel; the
// error says why it cannot be carried out.
func (r *CallRunner) plan(description *interopv1.RunCallRequest) (*plannedCall, error) {
	plan, err := r.check(description)
	if err != nil {
		return nil, err
	}
	if plan.conn, err = r.channels.get(description.GetTarget(), description.GetChannel(), plan.dialOptions); err != nil {
		return nil, fmt.Errorf("target %s: %v", description.GetTarget(), err)
	}
	return plan, nil
}

// check is plan but for the connection, which it leaves to its caller (RunCall's cache, or the
// load's own channels) with the options to dial it. The checks run in the order of RunCall's
// rulebook in peer_control.proto, so that a description with several problems is refused for the
// one every peer names; checks the rulebook does not list come after it.
func (r *CallRunner) check(description *interopv1.RunCallRequest) (*plannedCall, error) {
	if description.GetTarget() == "" {
		return nil, errors.New("target is required")
	}
	var plan *plannedCall
	var err error
	if description.GetRaw() {
		plan, err = rawPlan(description)
	} else {
		plan, err = r.typedPlan(description)
	}
	if err != nil {
		return nil, err
	}
	timeout := description.GetTimeout()
	if timeout == nil {
		return nil, errors.New("timeout is required")
	}
	if err := timeout.CheckValid(); err != nil {
		return nil, fmt.Errorf("timeout is required as a valid duration: %v", err)
	}
	if timeout.AsDuration() <= 0 {
		return nil, fmt.Errorf("timeout is required above zero, not %v", timeout.AsDuration())
	}
	plan.timeout = timeout.AsDuration()
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
	if err := checkChannel(description.GetChannel()); err != nil {
		return nil, fmt.Errorf("channel: %v", err)
	}
	if when, ok := description.GetCancel().GetWhen().(*interopv1.Cancellation_AfterResponses); ok && when.AfterResponses < 1 {
		return nil, errors.New("cancel: after_responses must be at least 1 (after_begin cancels before any)")
	}
	if plan.dialOptions, err = dialOptions(description.GetChannel()); err != nil {
		return nil, fmt.Errorf("channel: %v", err)
	}
	plan.cancel = description.GetCancel()
	plan.pingPong = description.GetPingPong()
	return plan, nil
}

// typedPlan resolves the method, in the loaded contract first and then in the descriptors of every
// proto the peer was generated from, and unpacks the requests into its input type: every type_url
// is checked before any bytes are parsed, as the rulebook orders.
func (r *CallRunner) typedPlan(description *interopv1.RunCallRequest) (*plannedCall, error) {
	name := description.GetMethod()
	method, inputType, outputType, ok := r.resolve(name)
	if !ok {
		return nil, fmt.Errorf(`unknown method "%s": neither the loaded contract nor this peer's own protos declare it`, name)
	}
	inputName := method.Input().FullName()
	for index, packed := range description.GetRequests() {
		if packed.MessageName() != inputName {
			return nil, fmt.Errorf(`request %d: type_url "%s" is not the input type %s`, index, packed.GetTypeUrl(), inputName)
		}
	}
	requests := make([]any, len(description.GetRequests()))
	for index, packed := range description.GetRequests() {
		request := inputType.New().Interface()
		if err := proto.Unmarshal(packed.GetValue(), request); err != nil {
			return nil, fmt.Errorf("request %d: does not parse as %s: %v", index, inputName, err)
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

// resolve finds a method and the types of its messages: dynamic messages for a method of the
// loaded contract, which this binary has no code for, and the generated types for its own.
func (r *CallRunner) resolve(name string) (method protoreflect.MethodDescriptor, input, output protoreflect.MessageType, ok bool) {
	if loaded := r.contract.Load(); loaded != nil {
		if method, ok = findMethod(loaded.files, name); ok {
			return method, dynamicpb.NewMessageType(method.Input()), dynamicpb.NewMessageType(method.Output()), true
		}
	}
	if method, ok = findMethod(protoregistry.GlobalFiles, name); !ok {
		return nil, nil, nil, false
	}
	return method, generatedType(method.Input()), generatedType(method.Output()), true
}

// generatedType is a message's generated Go type; every file in GlobalFiles came with its types,
// but a dynamic type keeps a file registered without them callable all the same.
func generatedType(message protoreflect.MessageDescriptor) protoreflect.MessageType {
	if generated, err := protoregistry.GlobalTypes.FindMessageByName(message.FullName()); err == nil {
		return generated
	}
	return dynamicpb.NewMessageType(message)
}

// rawPlan is a call to any path as a bidirectional stream of bytes, which is what every gRPC call
// is on the wire.
func rawPlan(description *interopv1.RunCallRequest) (*plannedCall, error) {
	if description.GetMethod() == "" {
		return nil, errors.New(`unknown method "": a raw call still needs a path`)
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

// outgoingMetadata checks every -bin key before any other key, as the rulebook orders its rows,
// then builds the metadata.
func outgoingMetadata(entries []*interopv1.MetadataEntry) (metadata.MD, error) {
	for index, entry := range entries {
		if _, text := entry.GetValue().(*interopv1.MetadataEntry_Text); text && strings.HasSuffix(entry.GetKey(), "-bin") {
			return nil, fmt.Errorf(`metadata %d: key "%s" ends in -bin, so its value must be binary`, index, entry.GetKey())
		}
	}
	for index, entry := range entries {
		if _, binary := entry.GetValue().(*interopv1.MetadataEntry_Binary); binary && !strings.HasSuffix(entry.GetKey(), "-bin") {
			return nil, fmt.Errorf(`metadata %d: key "%s" has no -bin suffix, so its value must be text`, index, entry.GetKey())
		}
	}
	md := metadata.MD{}
	for _, entry := range entries {
		switch value := entry.GetValue().(type) {
		case *interopv1.MetadataEntry_Text:
			md.Append(entry.GetKey(), value.Text)
		case *interopv1.MetadataEntry_Binary:
			// grpc-go base64-encodes the values of -bin keys on the wire.
			md.Append(entry.GetKey(), string(value.Binary))
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
		result.Status.Details = statusDetails(trailers)
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

// statusDetails is the grpc-status-details-bin trailer as received, nil when there is none.
func statusDetails(trailers metadata.MD) []byte {
	if details := trailers.Get(statusDetailsKey); len(details) > 0 {
		return []byte(details[0])
	}
	return nil
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
