package peer

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"grpcinterop.dev/go-peer/calculator"
	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// Every load here is short: the measured period is at most loadDuration, after a warm-up of at
// most loadWarmup.
const (
	loadWarmup   = 50 * time.Millisecond
	loadDuration = 200 * time.Millisecond
)

func forDuration(duration time.Duration) *interopv1.RunLoadRequest_Duration {
	return &interopv1.RunLoadRequest_Duration{Duration: durationpb.New(duration)}
}

func forCalls(calls uint64) *interopv1.RunLoadRequest_Calls {
	return &interopv1.RunLoadRequest_Calls{Calls: calls}
}

func runLoad(t *testing.T, control interopv1.PeerControlServiceClient, request *interopv1.RunLoadRequest) *interopv1.RunLoadResponse {
	t.Helper()
	report, err := control.RunLoad(deadline(t), request)
	if err != nil {
		t.Fatalf("RunLoad %s: %v", request.GetCall().GetMethod(), err)
	}
	assertLoadAddsUp(t, report)
	return report
}

// assertLoadAddsUp checks what holds of every report: statuses ascending and adding up to the
// calls, buckets ascending and adding up to the latency count, min <= max, and CPU used.
func assertLoadAddsUp(t *testing.T, report *interopv1.RunLoadResponse) {
	t.Helper()
	var calls uint64
	for index, count := range report.GetStatuses() {
		if index > 0 && count.GetCode() <= report.GetStatuses()[index-1].GetCode() {
			t.Errorf("statuses not ascending: %v", report.GetStatuses())
		}
		calls += count.GetCount()
	}
	if calls != report.GetCalls() {
		t.Errorf("statuses add up to %d calls, not %d: %v", calls, report.GetCalls(), report.GetStatuses())
	}
	latency := report.GetLatency()
	var samples uint64
	for index, bucket := range latency.GetBuckets() {
		if index > 0 && bucket.GetIndex() <= latency.GetBuckets()[index-1].GetIndex() || bucket.GetCount() == 0 {
			t.Errorf("buckets not ascending, or one empty: %v", latency.GetBuckets())
		}
		samples += bucket.GetCount()
	}
	if samples != latency.GetCount() {
		t.Errorf("buckets add up to %d, not %d", samples, latency.GetCount())
	}
	if latency.GetCount() > 0 && (latency.GetMinNanos() > latency.GetMaxNanos() ||
		latency.GetSumNanos() < latency.GetMinNanos()*latency.GetCount() || latency.GetSumNanos() > latency.GetMaxNanos()*latency.GetCount()) {
		t.Errorf("min, max and sum disagree: %v", latency)
	}
	if report.GetCpuTime().AsDuration() <= 0 {
		t.Errorf("no CPU time: %v", report.GetCpuTime())
	}
}

// assertAllOK checks that every counted call ended OK and is a latency sample.
func assertAllOK(t *testing.T, report *interopv1.RunLoadResponse) {
	t.Helper()
	if report.GetCalls() == 0 || len(report.GetStatuses()) != 1 || report.GetStatuses()[0].GetCode() != 0 || report.GetFirstFailure() != nil {
		t.Errorf("want every call OK, got %v", report)
	}
	if report.GetLatency().GetCount() != report.GetCalls() {
		t.Errorf("want %d latencies, one per OK call, got %d", report.GetCalls(), report.GetLatency().GetCount())
	}
}

func TestRunLoadOfUnaryCallsForADuration(t *testing.T) {
	control, target := startPeer(t, Config{})
	report := runLoad(t, control, &interopv1.RunLoadRequest{
		Call: callable(t, target), Concurrency: 4, Channels: 2, Warmup: durationpb.New(loadWarmup), Until: forDuration(loadDuration),
	})
	assertAllOK(t, report)
	request := &calculatorv1.CalculateRequest{Operation: calculatorv1.Operation_OPERATION_ADD, Left: calculator.Integer(1), Right: calculator.Integer(2)}
	response := &calculatorv1.CalculateResponse{Result: calculator.Integer(3)}
	calls := report.GetCalls()
	if report.GetMessagesSent() != calls || report.GetMessagesReceived() != calls ||
		report.GetBytesSent() != calls*uint64(proto.Size(request)) || report.GetBytesReceived() != calls*uint64(proto.Size(response)) {
		t.Errorf("want one request of %d bytes and one response of %d bytes per call, got %v", proto.Size(request), proto.Size(response), report)
	}
	// The last counted call ended before the period did.
	if elapsed := report.GetElapsed().AsDuration(); elapsed <= 0 || elapsed > loadDuration {
		t.Errorf("elapsed %v, want at most the duration, %v", elapsed, loadDuration)
	}
}

func TestRunLoadOfUnaryCallsUntilACount(t *testing.T) {
	control, target := startPeer(t, Config{})
	report := runLoad(t, control, &interopv1.RunLoadRequest{
		Call: callable(t, target), Concurrency: 8, Channels: 3, Warmup: durationpb.New(loadWarmup), Until: forCalls(500),
	})
	assertAllOK(t, report)
	if report.GetCalls() != 500 || report.GetMessagesSent() != 500 || report.GetElapsed().AsDuration() <= 0 {
		t.Errorf("want exactly 500 calls, got %v", report)
	}
}

func TestRunLoadOfEveryStreamingKind(t *testing.T) {
	control, target := startPeer(t, Config{})
	const start, count = 10, 100
	var rangeBytes uint64
	for value := int64(start); value < start+count; value++ {
		rangeBytes += uint64(proto.Size(&calculatorv1.RangeResponse{Value: value}))
	}
	for _, c := range []struct {
		name                         string
		call                         *interopv1.RunCallRequest
		sentPerCall, receivedPerCall uint64
		bytesReceivedPerCall         uint64
	}{
		{
			name: "server streaming reads every response",
			call: &interopv1.RunCallRequest{
				Target: target, Method: "calculator.v1.CalculatorService/Range",
				Requests: packed(t, &calculatorv1.RangeRequest{Start: start, Count: count}),
			},
			sentPerCall: 1, receivedPerCall: count, bytesReceivedPerCall: rangeBytes,
		},
		{
			name: "client streaming sends every request",
			call: &interopv1.RunCallRequest{
				Target: target, Method: "calculator.v1.CalculatorService/Sum",
				Requests: packed(t, &calculatorv1.SumRequest{Value: calculator.Integer(1)}, &calculatorv1.SumRequest{Value: calculator.Integer(2)},
					&calculatorv1.SumRequest{Value: calculator.Integer(3)}),
			},
			sentPerCall: 3, receivedPerCall: 1,
			bytesReceivedPerCall: uint64(proto.Size(&calculatorv1.SumResponse{Count: 3, Sum: calculator.Integer(6)})),
		},
		{
			name: "bidirectional without ping-pong sends every request and reads every response",
			call: &interopv1.RunCallRequest{
				Target: target, Method: "calculator.v1.CalculatorService/RunningAverage",
				Requests: packed(t, &calculatorv1.RunningAverageRequest{Value: 2}, &calculatorv1.RunningAverageRequest{Value: 4}),
			},
			sentPerCall: 2, receivedPerCall: 2,
			bytesReceivedPerCall: uint64(proto.Size(&calculatorv1.RunningAverageResponse{Count: 1, Average: 2}) +
				proto.Size(&calculatorv1.RunningAverageResponse{Count: 2, Average: 3})),
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.call.Timeout = durationpb.New(5 * time.Second)
			report := runLoad(t, control, &interopv1.RunLoadRequest{Call: c.call, Concurrency: 4, Until: forCalls(50)})
			assertAllOK(t, report)
			if report.GetCalls() != 50 || report.GetMessagesSent() != 50*c.sentPerCall || report.GetMessagesReceived() != 50*c.receivedPerCall ||
				report.GetBytesReceived() != 50*c.bytesReceivedPerCall {
				t.Errorf("want 50 calls of %d requests and %d responses (%d bytes), got %v",
					c.sentPerCall, c.receivedPerCall, c.bytesReceivedPerCall, report)
			}
		})
	}
}

func TestRunLoadTimesEachPingPongRoundTrip(t *testing.T) {
	control, target := startPeer(t, Config{})
	call := &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/RunningAverage", PingPong: true, Timeout: durationpb.New(5 * time.Second),
		Requests: packed(t, &calculatorv1.RunningAverageRequest{Value: 1}, &calculatorv1.RunningAverageRequest{Value: 2},
			&calculatorv1.RunningAverageRequest{Value: 3}),
	}
	// One slot and no warm-up: every round trip of the counted calls, and no other, ends in the period.
	report := runLoad(t, control, &interopv1.RunLoadRequest{Call: call, Concurrency: 1, Until: forCalls(20)})
	if report.GetCalls() != 20 || report.GetStatuses()[0].GetCode() != 0 || report.GetMessagesSent() != 60 || report.GetMessagesReceived() != 60 {
		t.Errorf("want 20 OK calls of 3 round trips, got %v", report)
	}
	if report.GetLatency().GetCount() != 60 {
		t.Errorf("want 60 latencies, one per round trip, got %d", report.GetLatency().GetCount())
	}
	// For a duration, the round trips that ended in the period count even when their call did
	// not end in it.
	timed := runLoad(t, control, &interopv1.RunLoadRequest{Call: call, Concurrency: 1, Until: forDuration(100 * time.Millisecond)})
	if got := timed.GetLatency().GetCount(); got < 3*timed.GetCalls() || got > 3*(timed.GetCalls()+1) {
		t.Errorf("want 3 round trips per counted call and up to 3 of the call in flight, got %d for %d calls", got, timed.GetCalls())
	}
}

func TestRunLoadCountsFailedCallsByStatus(t *testing.T) {
	control, target := startPeer(t, Config{})
	call := &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Calculate", Timeout: durationpb.New(5 * time.Second),
		Requests: packed(t, &calculatorv1.CalculateRequest{}), // no operation
	}
	report := runLoad(t, control, &interopv1.RunLoadRequest{Call: call, Concurrency: 4, Until: forCalls(100)})
	want := []*interopv1.StatusCount{{Code: int32(codes.InvalidArgument), Count: 100}}
	if report.GetCalls() != 100 || len(report.GetStatuses()) != 1 || !proto.Equal(report.GetStatuses()[0], want[0]) {
		t.Errorf("want 100 INVALID_ARGUMENT, got %v", report.GetStatuses())
	}
	if report.GetLatency().GetCount() != 0 || report.GetMessagesReceived() != 0 || report.GetMessagesSent() != 100 {
		t.Errorf("want no latency and no response, got %v", report)
	}
	failure := report.GetFirstFailure()
	var rich spb.Status
	if failure.GetCode() != int32(codes.InvalidArgument) || failure.GetMessage() != "operation is required" ||
		proto.Unmarshal(failure.GetDetails(), &rich) != nil || rich.GetMessage() != "operation is required" || len(rich.GetDetails()) != 1 {
		t.Errorf("want the first failure with its google.rpc.Status, got %v (%v)", failure, &rich)
	}
}

// countingListener counts the connections a server accepted and those still open.
type countingListener struct {
	net.Listener
	accepted, open atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.accepted.Add(1)
	l.open.Add(1)
	return &countedConn{Conn: conn, open: &l.open}, nil
}

type countedConn struct {
	net.Conn
	open   *atomic.Int32
	closed sync.Once
}

func (c *countedConn) Close() error {
	c.closed.Do(func() { c.open.Add(-1) })
	return c.Conn.Close()
}

func TestRunLoadOpensOneConnectionPerChannelAndClosesThem(t *testing.T) {
	control, _ := startPeer(t, Config{})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counting := &countingListener{Listener: listener}
	server := grpc.NewServer()
	calculatorv1.RegisterCalculatorServiceServer(server, calculator.Service{})
	go server.Serve(counting)
	t.Cleanup(server.Stop)

	report := runLoad(t, control, &interopv1.RunLoadRequest{Call: callable(t, listener.Addr().String()), Concurrency: 6, Channels: 3, Until: forCalls(60)})
	assertAllOK(t, report)
	if got := counting.accepted.Load(); got != 3 {
		t.Errorf("want 3 connections, one per channel, got %d", got)
	}
	for range 100 { // the server closes its side a moment after the client
		if counting.open.Load() == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d connections still open after the load", counting.open.Load())
}

// loadRulebook holds RunLoad's refusals in the order peer_control.proto gives, after one of
// RunCall's, which a load inherits, and a variant of some.
var loadRulebook = []struct {
	name        string
	breaks      func(*interopv1.RunLoadRequest)
	phrase      string
	alternative bool
}{
	{name: "a call RunCall refuses", breaks: func(r *interopv1.RunLoadRequest) { r.Call.Timeout = nil }, phrase: "timeout is required"},
	{
		name: "a cancelled call",
		breaks: func(r *interopv1.RunLoadRequest) {
			r.Call.Cancel = &interopv1.Cancellation{When: &interopv1.Cancellation_AfterBegin{AfterBegin: true}}
		},
		phrase: "load calls cannot be cancelled or raw",
	},
	{name: "a raw call", breaks: func(r *interopv1.RunLoadRequest) { r.Call.Raw = true }, phrase: "load calls cannot be cancelled or raw", alternative: true},
	{name: "no concurrency", breaks: func(r *interopv1.RunLoadRequest) { r.Concurrency = 0 }, phrase: "concurrency must be at least 1"},
	{name: "neither duration nor calls", breaks: func(r *interopv1.RunLoadRequest) { r.Until = nil }, phrase: "duration or calls is required"},
	{name: "a zero duration", breaks: func(r *interopv1.RunLoadRequest) { r.Until = forDuration(0) }, phrase: "duration or calls is required", alternative: true},
	{name: "zero calls", breaks: func(r *interopv1.RunLoadRequest) { r.Until = forCalls(0) }, phrase: "duration or calls is required", alternative: true},
	{name: "more channels than slots", breaks: func(r *interopv1.RunLoadRequest) { r.Channels = r.Concurrency + 1 }, phrase: "channels must not exceed concurrency"},
}

func loadable(t *testing.T, target string) *interopv1.RunLoadRequest {
	return &interopv1.RunLoadRequest{Call: callable(t, target), Concurrency: 2, Channels: 2, Until: forCalls(10)}
}

func TestRunLoadRefusesEveryRowOfItsRulebook(t *testing.T) {
	control, target := startPeer(t, Config{})
	for _, row := range loadRulebook {
		t.Run(row.name, func(t *testing.T) {
			request := loadable(t, target)
			row.breaks(request)
			_, err := control.RunLoad(deadline(t), request)
			assertRefused(t, err, row.phrase)
		})
	}
	runLoad(t, control, loadable(t, target))
}

// A request with the problems of a row and of every row after it is refused for that row's.
func TestRunLoadNamesTheFirstProblemInItsRulebooksOrder(t *testing.T) {
	control, target := startPeer(t, Config{})
	for first, row := range loadRulebook {
		if row.alternative {
			continue
		}
		t.Run(row.name, func(t *testing.T) {
			request := loadable(t, target)
			for _, later := range loadRulebook[first:] {
				if !later.alternative {
					later.breaks(request)
				}
			}
			_, err := control.RunLoad(deadline(t), request)
			assertRefused(t, err, row.phrase)
		})
	}
}
