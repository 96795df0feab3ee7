package peer

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	"grpcinterop.dev/go-peer/calculator"
	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// startPeer serves the peer on a free loopback port and returns a control client for it and the
// target its own RunCall can dial.
func startPeer(t *testing.T, config Config) (interopv1.PeerControlServiceClient, string) {
	t.Helper()
	server, err := NewServer(config)
	if err != nil {
		t.Fatal(err)
	}
	go server.Serve()
	t.Cleanup(func() { server.Stop(time.Second) })
	target := fmt.Sprintf("localhost:%d", server.Port())
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return interopv1.NewPeerControlServiceClient(conn), target
}

// deadline is the context of one RPC a test makes, so that no test waits on a call forever.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func packed(t *testing.T, messages ...proto.Message) []*anypb.Any {
	t.Helper()
	var all []*anypb.Any
	for _, message := range messages {
		one, err := anypb.New(message)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, one)
	}
	return all
}

func unpacked[M proto.Message](t *testing.T, responses []*anypb.Any, newMessage func() M) []M {
	t.Helper()
	var all []M
	for _, response := range responses {
		message := newMessage()
		if err := response.UnmarshalTo(message); err != nil {
			t.Fatal(err)
		}
		all = append(all, message)
	}
	return all
}

func runCall(t *testing.T, control interopv1.PeerControlServiceClient, request *interopv1.RunCallRequest) *interopv1.RunCallResponse {
	t.Helper()
	if request.Timeout == nil {
		request.Timeout = durationpb.New(5 * time.Second)
	}
	response, err := control.RunCall(deadline(t), request)
	if err != nil {
		t.Fatalf("RunCall %s: %v", request.Method, err)
	}
	return response
}

func TestRunCallOfEveryStreamingKind(t *testing.T) {
	control, target := startPeer(t, Config{ServerID: "loopback"})

	unary := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Calculate",
		Requests: packed(t, &calculatorv1.CalculateRequest{Operation: calculatorv1.Operation_OPERATION_DIVIDE, Left: calculator.Integer(7), Right: calculator.Integer(-2)}),
	})
	if got := unpacked(t, unary.Responses, func() *calculatorv1.CalculateResponse { return new(calculatorv1.CalculateResponse) }); len(got) != 1 || got[0].GetResult().GetInteger() != -3 {
		t.Errorf("Calculate: %v", unary)
	}
	if !slices.ContainsFunc(unary.Headers, func(e *interopv1.MetadataEntry) bool { return e.Key == serverIDKey && e.GetText() == "loopback" }) {
		t.Errorf("no server id among the headers: %v", unary.Headers)
	}

	factors := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Factorize",
		Requests: packed(t, &calculatorv1.FactorizeRequest{Number: 12}),
	})
	if len(factors.Responses) != 3 || factors.Status.Code != 0 {
		t.Errorf("Factorize: %v", factors)
	}

	sum := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Sum", Compression: "gzip",
		Requests: packed(t, &calculatorv1.SumRequest{Value: calculator.Integer(2)}, &calculatorv1.SumRequest{Value: calculator.Real(0.5)}),
	})
	if got := unpacked(t, sum.Responses, func() *calculatorv1.SumResponse { return new(calculatorv1.SumResponse) }); len(got) != 1 || got[0].GetSum().GetReal() != 2.5 {
		t.Errorf("Sum: %v", sum)
	}

	averages := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/RunningAverage", PingPong: true,
		Requests: packed(t, &calculatorv1.RunningAverageRequest{Value: 1}, &calculatorv1.RunningAverageRequest{Value: 2}),
	})
	if got := unpacked(t, averages.Responses, func() *calculatorv1.RunningAverageResponse { return new(calculatorv1.RunningAverageResponse) }); len(got) != 2 || got[1].GetAverage() != 1.5 {
		t.Errorf("RunningAverage: %v", averages)
	}
}

func TestContractErrorsCarryTheirStatusDetails(t *testing.T) {
	control, target := startPeer(t, Config{})
	for _, c := range []struct {
		left, right int64
		operation   calculatorv1.Operation
		code        codes.Code
		details     int
	}{
		{1, 0, calculatorv1.Operation_OPERATION_DIVIDE, codes.InvalidArgument, 1},
		{1 << 62, 1 << 62, calculatorv1.Operation_OPERATION_MULTIPLY, codes.OutOfRange, 0},
	} {
		observed := runCall(t, control, &interopv1.RunCallRequest{
			Target: target, Method: "calculator.v1.CalculatorService/Calculate",
			Requests: packed(t, &calculatorv1.CalculateRequest{Operation: c.operation, Left: calculator.Integer(c.left), Right: calculator.Integer(c.right)}),
		})
		if codes.Code(observed.Status.Code) != c.code {
			t.Fatalf("want %v, got %v", c.code, observed.Status)
		}
		var rich spb.Status
		if err := proto.Unmarshal(observed.Status.Details, &rich); err != nil || rich.GetCode() != int32(c.code) || rich.GetMessage() != observed.Status.Message || len(rich.GetDetails()) != c.details {
			t.Errorf("want a google.rpc.Status of %v with %d details, got %v (%v)", c.code, c.details, &rich, err)
		}
	}
}

func TestRangeStreamsItsIntegersAndItsErrors(t *testing.T) {
	control, target := startPeer(t, Config{})
	rangeOf := func(start, count int64) *interopv1.RunCallResponse {
		return runCall(t, control, &interopv1.RunCallRequest{
			Target: target, Method: "calculator.v1.CalculatorService/Range",
			Requests: packed(t, &calculatorv1.RangeRequest{Start: start, Count: count}),
		})
	}
	values := func(observed *interopv1.RunCallResponse) []int64 {
		var all []int64
		for _, response := range unpacked(t, observed.Responses, func() *calculatorv1.RangeResponse { return new(calculatorv1.RangeResponse) }) {
			all = append(all, response.GetValue())
		}
		return all
	}
	if got := rangeOf(-1, 3); got.Status.Code != 0 || !slices.Equal(values(got), []int64{-1, 0, 1}) {
		t.Errorf("-1, 3: %v", got)
	}
	if got := rangeOf(math.MaxInt64, 1); got.Status.Code != 0 || !slices.Equal(values(got), []int64{math.MaxInt64}) {
		t.Errorf("the last int64: %v", got)
	}
	if got := rangeOf(math.MaxInt64, 0); got.Status.Code != 0 || len(got.Responses) != 0 {
		t.Errorf("count 0: %v", got)
	}

	for _, c := range []struct {
		start, count int64
		code         codes.Code
		message      string
		violation    *errdetails.BadRequest_FieldViolation
	}{
		{0, -1, codes.InvalidArgument, "count must be between 0 and 1000000", &errdetails.BadRequest_FieldViolation{Field: "count", Description: "out of range"}},
		{0, 1_000_001, codes.InvalidArgument, "count must be between 0 and 1000000", &errdetails.BadRequest_FieldViolation{Field: "count", Description: "out of range"}},
		{math.MaxInt64 - 1, 3, codes.OutOfRange, "integer overflow", nil},
	} {
		observed := rangeOf(c.start, c.count)
		if codes.Code(observed.Status.Code) != c.code || observed.Status.Message != c.message || len(observed.Responses) != 0 {
			t.Errorf("%d, %d: want %v %q before any message, got %v", c.start, c.count, c.code, c.message, observed)
			continue
		}
		var rich spb.Status
		if err := proto.Unmarshal(observed.Status.Details, &rich); err != nil || rich.GetCode() != int32(c.code) || rich.GetMessage() != c.message {
			t.Errorf("%d, %d: want a google.rpc.Status of %v, got %v (%v)", c.start, c.count, c.code, &rich, err)
			continue
		}
		var details []*errdetails.BadRequest_FieldViolation
		for _, detail := range rich.GetDetails() {
			var badRequest errdetails.BadRequest
			if err := detail.UnmarshalTo(&badRequest); err != nil {
				t.Fatal(err)
			}
			details = append(details, badRequest.GetFieldViolations()...)
		}
		if c.violation == nil && len(rich.GetDetails()) != 0 || c.violation != nil && (len(details) != 1 || !proto.Equal(details[0], c.violation)) {
			t.Errorf("%d, %d: want the detail %v, got %v", c.start, c.count, c.violation, rich.GetDetails())
		}
	}

	// A million integers, cancelled after the first. The server's call record shows the
	// cancellation once the handler has returned, seeing it: the handler stopped with the call
	// rather than sending the rest.
	cancelled := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Range",
		Requests: packed(t, &calculatorv1.RangeRequest{Count: 1_000_000}),
		Metadata: []*interopv1.MetadataEntry{{Key: callIDKey, Value: &interopv1.MetadataEntry_Text{Text: "range-cancelled"}}},
		Cancel:   &interopv1.Cancellation{When: &interopv1.Cancellation_AfterResponses{AfterResponses: 1}},
	})
	if codes.Code(cancelled.Status.Code) != codes.Canceled || len(cancelled.Responses) != 1 {
		t.Errorf("want CANCELLED after one response, got %v", cancelled.Status)
	}
	var seen *interopv1.GetServerCallResponse
	for range 50 {
		var err error
		if seen, err = control.GetServerCall(deadline(t), &interopv1.GetServerCallRequest{CallId: "range-cancelled"}); err != nil {
			t.Fatal(err)
		}
		if seen.Cancelled {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !seen.Cancelled {
		t.Errorf("the server did not see the cancellation: %v", seen)
	}
}

func TestMetadataEchoAndCallRecords(t *testing.T) {
	control, target := startPeer(t, Config{})
	observed := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Factorize",
		Requests: packed(t, &calculatorv1.FactorizeRequest{Number: 8, Interval: durationpb.New(100 * time.Millisecond)}),
		Metadata: []*interopv1.MetadataEntry{
			{Key: echoInitialKey, Value: &interopv1.MetadataEntry_Text{Text: "hello"}},
			{Key: echoTrailingKey, Value: &interopv1.MetadataEntry_Binary{Binary: []byte{0xab, 0xcd}}},
			{Key: callIDKey, Value: &interopv1.MetadataEntry_Text{Text: "call-1"}},
			{Key: responseCompressionKey, Value: &interopv1.MetadataEntry_Text{Text: "gzip"}},
		},
		Cancel: &interopv1.Cancellation{When: &interopv1.Cancellation_AfterResponses{AfterResponses: 1}},
	})
	if codes.Code(observed.Status.Code) != codes.Canceled || len(observed.Responses) != 1 {
		t.Errorf("want CANCELLED after one response, got %v", observed)
	}
	if !slices.ContainsFunc(observed.Headers, func(e *interopv1.MetadataEntry) bool { return e.Key == echoInitialKey && e.GetText() == "hello" }) {
		t.Errorf("no echo among the headers: %v", observed.Headers)
	}
	var seen *interopv1.GetServerCallResponse
	for range 50 { // the server learns of the cancellation a moment after the client
		var err error
		if seen, err = control.GetServerCall(deadline(t), &interopv1.GetServerCallRequest{CallId: "call-1"}); err != nil {
			t.Fatal(err)
		}
		if seen.Cancelled {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if seen.Method != "calculator.v1.CalculatorService/Factorize" || !seen.Cancelled || seen.ResponseCompression != "gzip" || seen.DeadlineRemaining == nil || seen.Peer == "" {
		t.Errorf("GetServerCall: %v", seen)
	}
	_, err := control.GetServerCall(deadline(t), &interopv1.GetServerCallRequest{CallId: "nope"})
	if status.Code(err) != codes.NotFound || status.Convert(err).Message() != "no call with id nope" {
		t.Errorf("unknown call id: %v", err)
	}

	echoed := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Calculate",
		Requests: packed(t, &calculatorv1.CalculateRequest{}),
		Metadata: []*interopv1.MetadataEntry{{Key: echoTrailingKey, Value: &interopv1.MetadataEntry_Binary{Binary: []byte{1}}}},
	})
	if !slices.ContainsFunc(echoed.Trailers, func(e *interopv1.MetadataEntry) bool {
		return e.Key == echoTrailingKey && proto.Equal(e, &interopv1.MetadataEntry{Key: echoTrailingKey, Value: &interopv1.MetadataEntry_Binary{Binary: []byte{1}}})
	}) {
		t.Errorf("no echo among the trailers of a failed call: %v", echoed.Trailers)
	}
}

func TestRawCallsAndDeadlines(t *testing.T) {
	control, target := startPeer(t, Config{})
	unknown := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "nope.v1.Nope/Nope", Raw: true, Requests: []*anypb.Any{{Value: []byte{8, 1}}},
	})
	if codes.Code(unknown.Status.Code) != codes.Unimplemented {
		t.Errorf("unknown service: %v", unknown.Status)
	}
	malformed := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Calculate", Raw: true, Requests: []*anypb.Any{{Value: []byte{0xff, 0x01}}},
	})
	if codes.Code(malformed.Status.Code) != codes.Internal {
		t.Errorf("bytes that do not parse: %v", malformed.Status)
	}
	raw := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Statistics", Raw: true, RawRepeat: 3,
		Requests: packed(t, &calculatorv1.StatisticsRequest{Values: []float64{1}}),
	})
	var statistics calculatorv1.StatisticsResponse
	if len(raw.Responses) != 1 || raw.Responses[0].TypeUrl != "" || proto.Unmarshal(raw.Responses[0].Value, &statistics) != nil || statistics.Count != 3 {
		t.Errorf("raw_repeat: %v", raw)
	}
	late := runCall(t, control, &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Factorize", Timeout: durationpb.New(200 * time.Millisecond),
		Requests: packed(t, &calculatorv1.FactorizeRequest{Number: 4, Interval: durationpb.New(time.Second)}),
	})
	if codes.Code(late.Status.Code) != codes.DeadlineExceeded {
		t.Errorf("deadline: %v", late.Status)
	}
}

func TestRunCallsMakesEveryCallAtOnce(t *testing.T) {
	control, target := startPeer(t, Config{})
	batch, err := control.RunCalls(deadline(t), &interopv1.RunCallsRequest{Calls: slices.Repeat([]*interopv1.RunCallRequest{{
		Target: target, Method: "calculator.v1.CalculatorService/Calculate", Timeout: durationpb.New(5 * time.Second),
		Requests: packed(t, &calculatorv1.CalculateRequest{Operation: calculatorv1.Operation_OPERATION_ADD, Left: calculator.Integer(1), Right: calculator.Integer(1)}),
	}}, 60)})
	if err != nil || len(batch.Results) != 60 {
		t.Fatalf("RunCalls: %v", err)
	}
	for index, result := range batch.Results {
		if result.Status.Code != 0 {
			t.Errorf("call %d: %v", index, result.Status)
		}
	}
}

func TestHealthFollowsSetServing(t *testing.T) {
	control, target := startPeer(t, Config{})
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	check := func(service string) healthpb.HealthCheckResponse_ServingStatus {
		response, err := health.Check(deadline(t), &healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			t.Fatal(err)
		}
		return response.Status
	}
	for _, service := range []string{"", "calculator.v1.CalculatorService", "interop.v1.PeerControlService"} {
		if got := check(service); got != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("%q: %v", service, got)
		}
	}
	if _, err := control.SetServing(deadline(t), &interopv1.SetServingRequest{Serving: false}); err != nil {
		t.Fatal(err)
	}
	if got := check(""); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("after SetServing false: %v", got)
	}
}
