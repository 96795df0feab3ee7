package peer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// RunLoad makes the call a RunLoadRequest describes over and over, closed loop, on channels of its
// own, and reports what ended in the measured period. The call is checked and planned by RunCall's
// own check, so that a load refuses what RunCall refuses, with the same phrases, before what only a
// load refuses.
func (r *CallRunner) RunLoad(ctx context.Context, request *interopv1.RunLoadRequest) (*interopv1.RunLoadResponse, error) {
	plan, err := r.check(request.GetCall())
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "call: %v", err)
	}
	shape, err := checkLoad(request)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	conns, err := dialLoad(ctx, request.GetCall().GetTarget(), plan.dialOptions, shape.channels, plan.timeout)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "call: %v", err)
	}
	defer closeAll(conns)

	report := newLoad(ctx, plan, shape).run(conns)
	if ctx.Err() != nil {
		// The suite gave up on RunLoad: nobody reads the report.
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	log.Printf("load of %s: %d slots on %d channels, %d calls in %v",
		request.GetCall().GetMethod(), shape.concurrency, shape.channels, report.GetCalls(), report.GetElapsed().AsDuration())
	return report, nil
}

// loadShape is a RunLoadRequest that was checked: its slots and channels, and how long it runs.
type loadShape struct {
	concurrency, channels int
	warmup                time.Duration
	// One of the two: the measured period's length, or how many calls end in it.
	duration time.Duration
	calls    uint64
}

// checkLoad refuses what RunLoad's rulebook in peer_control.proto lists, in its order, once the
// call itself has passed RunCall's; checks the rulebook does not list come after it.
func checkLoad(request *interopv1.RunLoadRequest) (loadShape, error) {
	shape := loadShape{concurrency: int(request.GetConcurrency()), channels: max(1, int(request.GetChannels()))}
	if request.GetCall().GetCancel() != nil || request.GetCall().GetRaw() {
		return shape, errors.New("load calls cannot be cancelled or raw: a load measures calls that run their course")
	}
	if shape.concurrency < 1 {
		return shape, errors.New("concurrency must be at least 1")
	}
	switch until := request.GetUntil().(type) {
	case *interopv1.RunLoadRequest_Duration:
		if until.Duration.CheckValid() == nil {
			shape.duration = until.Duration.AsDuration()
		}
		if shape.duration <= 0 {
			return shape, fmt.Errorf("duration or calls is required: a duration above zero, not %v", until.Duration.AsDuration())
		}
	case *interopv1.RunLoadRequest_Calls:
		if shape.calls = until.Calls; shape.calls == 0 {
			return shape, errors.New("duration or calls is required: calls above 0")
		}
	default:
		return shape, errors.New("duration or calls is required")
	}
	if shape.channels > shape.concurrency {
		return shape, fmt.Errorf("channels must not exceed concurrency (%d channels for %d slots)", shape.channels, shape.concurrency)
	}
	if warmup := request.GetWarmup(); warmup != nil {
		if warmup.CheckValid() != nil || warmup.AsDuration() < 0 {
			return shape, fmt.Errorf("warmup must not be negative, not %v", warmup.AsDuration())
		}
		shape.warmup = warmup.AsDuration()
	}
	return shape, nil
}

// dialLoad makes the load's channels and connects them, each with a connection of its own: grpc-go
// shares no subchannel between two ClientConns. A channel that does not become READY within the
// call's timeout, or fails to connect, is used as it is: how its calls fail is what the load reports.
func dialLoad(ctx context.Context, target string, options []grpc.DialOption, count int, timeout time.Duration) ([]*grpc.ClientConn, error) {
	conns := make([]*grpc.ClientConn, 0, count)
	for range count {
		conn, err := grpc.NewClient(target, options...)
		if err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("target %s: %v", target, err)
		}
		conns = append(conns, conn)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var connecting sync.WaitGroup
	for _, conn := range conns {
		connecting.Go(func() { awaitConnected(ctx, conn) })
	}
	connecting.Wait()
	return conns, nil
}

// awaitConnected returns once conn is READY, has failed to connect, or ctx is done.
func awaitConnected(ctx context.Context, conn *grpc.ClientConn) {
	for {
		state := conn.GetState()
		switch state {
		case connectivity.Ready, connectivity.TransientFailure, connectivity.Shutdown:
			return
		case connectivity.Idle:
			conn.Connect()
		}
		if !conn.WaitForStateChange(ctx, state) {
			return
		}
	}
}

func closeAll(conns []*grpc.ClientConn) {
	for _, conn := range conns {
		conn.Close()
	}
}

// load is one RunLoad under way: what every slot shares, read-only but for the period's counters.
type load struct {
	plan   *plannedCall
	shape  loadShape
	period *measuredPeriod
	// The context every call's deadline derives from, with the call's metadata attached once:
	// RunLoad's, so that the calls end when the suite gives up on it.
	parent context.Context
	// The serialized size of each request, computed once.
	requestSizes []int
	pingPong     bool
}

func newLoad(ctx context.Context, plan *plannedCall, shape loadShape) *load {
	l := &load{
		plan:     plan,
		shape:    shape,
		parent:   metadata.NewOutgoingContext(ctx, plan.metadata),
		pingPong: plan.pingPong && plan.desc.ClientStreams && plan.desc.ServerStreams,
	}
	for _, request := range plan.requests {
		l.requestSizes = append(l.requestSizes, proto.Size(request.(proto.Message)))
	}
	return l
}

// run starts every slot, takes the process's CPU time at the measured period's start and end, and
// merges the slots' tallies once every slot has ended its last call.
func (l *load) run(conns []*grpc.ClientConn) *interopv1.RunLoadResponse {
	started := time.Now()
	l.period = newMeasuredPeriod(started.Add(l.shape.warmup), l.shape)
	slots := make([]*loadSlot, l.shape.concurrency)
	var running sync.WaitGroup
	for k := range slots {
		slots[k] = &loadSlot{load: l, conn: conns[k%len(conns)], response: l.plan.newResponse().(proto.Message)}
		running.Go(slots[k].run)
	}
	allEnded := make(chan struct{})
	go func() {
		running.Wait()
		close(allEnded)
	}()

	waitUntil(l.period.start, allEnded)
	cpuAtStart := processCPUTime()
	if l.shape.calls == 0 {
		waitUntil(l.period.end, allEnded)
	} else {
		select {
		case <-l.period.reached:
		case <-allEnded:
		}
	}
	cpuTime := processCPUTime() - cpuAtStart
	<-allEnded

	var total loadTally
	for _, slot := range slots {
		total.merge(&slot.tally)
	}
	return total.report(l.period.start, cpuTime)
}

// waitUntil returns at when, or before it if done is closed first.
func waitUntil(when time.Time, done <-chan struct{}) {
	timer := time.NewTimer(time.Until(when))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-done:
	}
}

// processCPUTime is the user and system CPU time the whole process has used so far.
func processCPUTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// measuredPeriod says what counts: what ends after the warm-up and before the period's end, which
// is a time in duration mode and the end of the calls-th call that ended in it in calls mode.
type measuredPeriod struct {
	start, end time.Time
	calls      uint64
	// Calls mode: the calls that ended in the period so far (some beyond calls, not counted), and
	// whether the last counted one has ended, reached being closed then.
	ended   atomic.Uint64
	over    atomic.Bool
	reached chan struct{}
}

func newMeasuredPeriod(start time.Time, shape loadShape) *measuredPeriod {
	return &measuredPeriod{start: start, end: start.Add(shape.duration), calls: shape.calls, reached: make(chan struct{})}
}

// isOver says whether the period has ended, so that no call is started any more.
func (p *measuredPeriod) isOver(now time.Time) bool {
	if p.calls == 0 {
		return !now.Before(p.end)
	}
	return p.over.Load()
}

// contains says whether something that ended at a time other than a call's end (a ping-pong
// round trip) ended in the period.
func (p *measuredPeriod) contains(at time.Time) bool {
	return !at.Before(p.start) && !p.isOver(at)
}

// countsCall says whether a call that ended at `at` counts, taking it as one of the calls in calls
// mode: the one that makes them `calls` ends the period.
func (p *measuredPeriod) countsCall(at time.Time) bool {
	if at.Before(p.start) {
		return false
	}
	if p.calls == 0 {
		return at.Before(p.end)
	}
	switch n := p.ended.Add(1); {
	case n < p.calls:
		return true
	case n == p.calls:
		p.over.Store(true)
		close(p.reached)
		return true
	}
	return false
}

// loadSlot is one of the load's closed loops: one call after another on one channel, and the tally
// of those that count. Nothing in it is shared with another slot, so nothing is locked per call.
type loadSlot struct {
	*load
	conn *grpc.ClientConn
	// Every response of the slot is received into it: the codec resets a message before it
	// unmarshals into it, and nothing of a response is kept but its size.
	response proto.Message
	tally    loadTally
}

func (s *loadSlot) run() {
	for s.parent.Err() == nil && !s.period.isOver(time.Now()) {
		started := time.Now()
		outcome := s.call()
		ended := time.Now()
		if s.period.countsCall(ended) {
			s.tally.add(outcome, ended, ended.Sub(started), !s.pingPong)
		}
	}
}

// callOutcome is what a load keeps of a call: its status (err nil for OK) and its messages.
type callOutcome struct {
	err error
	// The call's stream, for the status details of the first failure; nil when none was opened.
	stream                         grpc.ClientStream
	messagesSent, messagesReceived int
	bytesSent, bytesReceived       int
}

// call makes one call of the load, the way the generated stubs make one of its kind: ClientConn.Invoke
// is NewStream, SendMsg and RecvMsg too.
func (s *loadSlot) call() callOutcome {
	ctx, cancel := context.WithTimeout(s.parent, s.plan.timeout)
	defer cancel()
	var outcome callOutcome
	stream, err := s.conn.NewStream(ctx, s.plan.desc, s.plan.path, s.plan.callOptions...)
	if err == nil {
		outcome.stream = stream
		switch {
		case s.pingPong:
			err = s.playPingPong(stream, &outcome)
		case s.plan.desc.ClientStreams && s.plan.desc.ServerStreams:
			err = s.exchange(stream, &outcome)
		default:
			outcome.messagesSent, outcome.bytesSent = s.sendAll(stream)
			err = s.receiveAll(stream, &outcome)
		}
	}
	if !errors.Is(err, io.EOF) {
		outcome.err = err
	}
	return outcome
}

// sendAll sends every request, then half-closes (for a method that is not client streaming,
// grpc-go's SendMsg already has); it stops at a request that cannot be sent, the call having
// ended, whose status RecvMsg then gives.
func (s *loadSlot) sendAll(stream grpc.ClientStream) (messages, bytes int) {
	for index, request := range s.plan.requests {
		if stream.SendMsg(request) != nil {
			return messages, bytes
		}
		messages++
		bytes += s.requestSizes[index]
	}
	stream.CloseSend()
	return messages, bytes
}

// receiveAll reads every response until the status; io.EOF is OK.
func (s *loadSlot) receiveAll(stream grpc.ClientStream, outcome *callOutcome) error {
	for {
		if err := stream.RecvMsg(s.response); err != nil {
			return err
		}
		outcome.messagesReceived++
		outcome.bytesReceived += proto.Size(s.response)
		if !s.plan.desc.ServerStreams {
			// For a single response, grpc-go's RecvMsg has read the status too, nil being OK.
			return io.EOF
		}
	}
}

// exchange is a bidirectional call without ping-pong: every request, then every response. The
// requests go out from a goroutine while the responses are read, as RunCall's do: a server that
// answers each request as it comes would otherwise stall on flow control once the client's window
// is full of responses it has not read.
func (s *loadSlot) exchange(stream grpc.ClientStream, outcome *callOutcome) error {
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		outcome.messagesSent, outcome.bytesSent = s.sendAll(stream)
	}()
	err := s.receiveAll(stream, outcome)
	// The call has ended, so a SendMsg still under way returns at once.
	<-sent
	return err
}

// playPingPong sends one request, waits for its response, then sends the next; each round trip
// that ends in the measured period is a latency sample of its own, the whole call none.
func (s *loadSlot) playPingPong(stream grpc.ClientStream, outcome *callOutcome) error {
	for index, request := range s.plan.requests {
		sent := time.Now()
		if stream.SendMsg(request) != nil {
			break // The call has ended; its status comes from RecvMsg.
		}
		outcome.messagesSent++
		outcome.bytesSent += s.requestSizes[index]
		if err := stream.RecvMsg(s.response); err != nil {
			return err
		}
		read := time.Now()
		outcome.messagesReceived++
		outcome.bytesReceived += proto.Size(s.response)
		if s.period.contains(read) {
			s.tally.latency.record(read.Sub(sent))
		}
	}
	stream.CloseSend()
	return s.receiveAll(stream, outcome)
}

// loadTally is what a slot, or the whole load once merged, counted of the calls that count.
type loadTally struct {
	calls    uint64
	statuses map[codes.Code]uint64
	latency  latencyHistogram

	messagesSent, messagesReceived uint64
	bytesSent, bytesReceived       uint64

	// When the last counted call ended, and the first that failed, for elapsed and first_failure.
	lastEnded         time.Time
	firstFailure      *interopv1.CallStatus
	firstFailureEnded time.Time
}

// add counts a call that ended in the measured period; its latency goes in the histogram when it
// ended OK and sampleLatency (a ping-pong call's round trips are its samples instead).
func (t *loadTally) add(outcome callOutcome, ended time.Time, latency time.Duration, sampleLatency bool) {
	if t.statuses == nil {
		t.statuses = make(map[codes.Code]uint64)
	}
	t.calls++
	code := status.Code(outcome.err)
	t.statuses[code]++
	t.messagesSent += uint64(outcome.messagesSent)
	t.messagesReceived += uint64(outcome.messagesReceived)
	t.bytesSent += uint64(outcome.bytesSent)
	t.bytesReceived += uint64(outcome.bytesReceived)
	t.lastEnded = ended
	switch {
	case code == codes.OK:
		if sampleLatency {
			t.latency.record(latency)
		}
	case t.firstFailure == nil:
		observed := status.Convert(outcome.err)
		t.firstFailure = &interopv1.CallStatus{Code: int32(observed.Code()), Message: observed.Message()}
		if outcome.stream != nil {
			t.firstFailure.Details = statusDetails(outcome.stream.Trailer())
		}
		t.firstFailureEnded = ended
	}
}

func (t *loadTally) merge(other *loadTally) {
	t.calls += other.calls
	for code, count := range other.statuses {
		if t.statuses == nil {
			t.statuses = make(map[codes.Code]uint64)
		}
		t.statuses[code] += count
	}
	t.latency.merge(&other.latency)
	t.messagesSent += other.messagesSent
	t.messagesReceived += other.messagesReceived
	t.bytesSent += other.bytesSent
	t.bytesReceived += other.bytesReceived
	if other.lastEnded.After(t.lastEnded) {
		t.lastEnded = other.lastEnded
	}
	if other.firstFailure != nil && (t.firstFailure == nil || other.firstFailureEnded.Before(t.firstFailureEnded)) {
		t.firstFailure, t.firstFailureEnded = other.firstFailure, other.firstFailureEnded
	}
}

// report is the tally as RunLoadResponse carries it; elapsed runs from the period's start to the
// end of its last counted call, 0 when none was.
func (t *loadTally) report(periodStart time.Time, cpuTime time.Duration) *interopv1.RunLoadResponse {
	report := &interopv1.RunLoadResponse{
		Calls:            t.calls,
		Latency:          t.latency.report(),
		MessagesSent:     t.messagesSent,
		MessagesReceived: t.messagesReceived,
		BytesSent:        t.bytesSent,
		BytesReceived:    t.bytesReceived,
		Elapsed:          durationpb.New(0),
		CpuTime:          durationpb.New(cpuTime),
		FirstFailure:     t.firstFailure,
	}
	if t.calls > 0 {
		report.Elapsed = durationpb.New(t.lastEnded.Sub(periodStart))
	}
	for code, count := range t.statuses {
		report.Statuses = append(report.Statuses, &interopv1.StatusCount{Code: int32(code), Count: count})
	}
	slices.SortFunc(report.Statuses, func(a, b *interopv1.StatusCount) int { return int(a.Code) - int(b.Code) })
	return report
}
