package peer

import (
	"sync"
	"time"
)

// ServerCall is what the server saw of one call that carried x-interop-call-id.
type ServerCall struct {
	Method string
	// How long the call had left when its handler started; HasDeadline false when it had none.
	DeadlineRemaining time.Duration
	HasDeadline       bool
	Cancelled         bool
	// The compression applied to the responses ("gzip"), or "".
	ResponseCompression string
	// The client's address, "ip:port": calls with the same one came on the same connection.
	Peer string
}

// ServerCallLog keeps the most recent calls by id; the oldest are forgotten so that a long run
// stays bounded.
type ServerCallLog struct {
	mu       sync.Mutex
	capacity int
	calls    map[string]*ServerCall
	order    []string
}

func NewServerCallLog(capacity int) *ServerCallLog {
	return &ServerCallLog{capacity: capacity, calls: make(map[string]*ServerCall)}
}

func (l *ServerCallLog) Add(id string, call ServerCall) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, seen := l.calls[id]; !seen {
		l.order = append(l.order, id)
	}
	l.calls[id] = &call
	for len(l.order) > l.capacity {
		delete(l.calls, l.order[0])
		l.order = l.order[1:]
	}
}

// Update changes the record of a call, if it is still kept.
func (l *ServerCallLog) Update(id string, change func(*ServerCall)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if call, ok := l.calls[id]; ok {
		change(call)
	}
}

func (l *ServerCallLog) Find(id string) (ServerCall, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	call, ok := l.calls[id]
	if !ok {
		return ServerCall{}, false
	}
	return *call, true
}
