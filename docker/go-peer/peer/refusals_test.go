package peer

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"grpcinterop.dev/go-peer/calculator"
	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// refusal is one row of RunCall's rulebook in peer_control.proto: what breaks a description that
// is otherwise fine, and the phrase the refusal's message must contain.
type refusal struct {
	name   string
	breaks func(*interopv1.RunCallRequest)
	phrase string
	// Another way to break what the row before breaks: it would undo or hide that row's problem,
	// so it is left out of the test of the order.
	alternative bool
}

// rulebook holds every row, in the rulebook's order, and a variant of some.
var rulebook = []refusal{
	{name: "no target", breaks: func(d *interopv1.RunCallRequest) { d.Target = "" }, phrase: "target is required"},
	{
		name:   "a method nobody declares",
		breaks: func(d *interopv1.RunCallRequest) { d.Method = "calculator.v1.CalculatorService/Nope" },
		phrase: `unknown method "calculator.v1.CalculatorService/Nope"`,
	},
	{name: "an empty method", breaks: func(d *interopv1.RunCallRequest) { d.Method = "" }, phrase: `unknown method ""`, alternative: true},
	{
		name:        "raw with an empty method",
		breaks:      func(d *interopv1.RunCallRequest) { d.Raw, d.Method = true, "" },
		phrase:      `unknown method ""`,
		alternative: true,
	},
	{
		name: "a request of another type",
		breaks: func(d *interopv1.RunCallRequest) {
			d.Requests[0].TypeUrl = "type.googleapis.com/calculator.v1.FactorizeRequest"
		},
		phrase: "is not the input type calculator.v1.CalculateRequest",
	},
	{
		name:   "a request that does not parse",
		breaks: func(d *interopv1.RunCallRequest) { d.Requests[0].Value = []byte{0xff, 0x01} },
		phrase: "does not parse as calculator.v1.CalculateRequest",
	},
	{
		name:   "two requests to a unary method",
		breaks: func(d *interopv1.RunCallRequest) { d.Requests = append(d.Requests, proto.CloneOf(d.Requests[0])) },
		phrase: "takes exactly one request",
	},
	{name: "no timeout", breaks: func(d *interopv1.RunCallRequest) { d.Timeout = nil }, phrase: "timeout is required"},
	{name: "a zero timeout", breaks: func(d *interopv1.RunCallRequest) { d.Timeout = durationpb.New(0) }, phrase: "timeout is required", alternative: true},
	{
		name:        "a negative timeout",
		breaks:      func(d *interopv1.RunCallRequest) { d.Timeout = durationpb.New(-time.Second) },
		phrase:      "timeout is required",
		alternative: true,
	},
	{name: "an unknown compression", breaks: func(d *interopv1.RunCallRequest) { d.Compression = "br" }, phrase: "unknown compression"},
	{
		name: "a -bin key with a text value",
		breaks: func(d *interopv1.RunCallRequest) {
			d.Metadata = append(d.Metadata, &interopv1.MetadataEntry{Key: "x-data-bin", Value: &interopv1.MetadataEntry_Text{Text: "text"}})
		},
		phrase: "must be binary",
	},
	{
		name: "a text key with a binary value",
		breaks: func(d *interopv1.RunCallRequest) {
			// Before the -bin key in the list: the rulebook's order holds, not the metadata's.
			d.Metadata = append([]*interopv1.MetadataEntry{{Key: "x-data", Value: &interopv1.MetadataEntry_Binary{Binary: []byte{1}}}}, d.Metadata...)
		},
		phrase: "must be text",
	},
	{
		name:   "an unknown load-balancing policy",
		breaks: func(d *interopv1.RunCallRequest) { channel(d).LoadBalancingPolicy = "least_request" },
		phrase: "unknown load_balancing_policy",
	},
	{name: "TLS without ca_cert", breaks: func(d *interopv1.RunCallRequest) { tlsOf(d).CaCert = nil }, phrase: "ca_cert is required"},
	{
		name:   "client_cert without client_key",
		breaks: func(d *interopv1.RunCallRequest) { tlsOf(d).ClientCert = []byte("not a PEM either") },
		phrase: "client_cert and client_key go together",
	},
	{
		name:        "client_key without client_cert",
		breaks:      func(d *interopv1.RunCallRequest) { tlsOf(d).ClientKey = []byte("not a PEM either") },
		phrase:      "client_cert and client_key go together",
		alternative: true,
	},
	{
		name: "a cancellation after 0 responses",
		breaks: func(d *interopv1.RunCallRequest) {
			d.Cancel = &interopv1.Cancellation{When: &interopv1.Cancellation_AfterResponses{AfterResponses: 0}}
		},
		phrase: "after_responses must be at least 1",
	},
}

func channel(d *interopv1.RunCallRequest) *interopv1.ChannelConfig {
	if d.Channel == nil {
		d.Channel = &interopv1.ChannelConfig{}
	}
	return d.Channel
}

// tlsOf is the description's TLS, made with a ca_cert when there is none: one that does not parse,
// which only the checks after the rulebook's would refuse.
func tlsOf(d *interopv1.RunCallRequest) *interopv1.Tls {
	if channel(d).Tls == nil {
		d.Channel.Tls = &interopv1.Tls{CaCert: []byte("not a PEM")}
	}
	return d.Channel.Tls
}

// callable is a description the peer carries out, to be broken by the rulebook's rows.
func callable(t *testing.T, target string) *interopv1.RunCallRequest {
	return &interopv1.RunCallRequest{
		Target: target, Method: "calculator.v1.CalculatorService/Calculate", Timeout: durationpb.New(5 * time.Second),
		Requests: packed(t, &calculatorv1.CalculateRequest{
			Operation: calculatorv1.Operation_OPERATION_ADD, Left: calculator.Integer(1), Right: calculator.Integer(2),
		}),
	}
}

func assertRefused(t *testing.T, err error, phrase string) {
	t.Helper()
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), phrase) {
		t.Errorf("want INVALID_ARGUMENT containing %q, got %v", phrase, err)
	}
}

func TestRunCallRefusesEveryRowOfTheRulebook(t *testing.T) {
	control, target := startPeer(t, Config{})
	for _, row := range rulebook {
		t.Run(row.name, func(t *testing.T) {
			description := callable(t, target)
			row.breaks(description)
			_, err := control.RunCall(deadline(t), description)
			assertRefused(t, err, row.phrase)
		})
	}
	// Still serving after refusing them all.
	if observed := runCall(t, control, callable(t, target)); observed.Status.Code != 0 {
		t.Errorf("after the refusals: %v", observed.Status)
	}
}

// A description with the problems of a row and of every row after it is refused for that row's.
func TestRunCallNamesTheFirstProblemInTheRulebooksOrder(t *testing.T) {
	control, target := startPeer(t, Config{})
	for first, row := range rulebook {
		if row.alternative {
			continue
		}
		t.Run(row.name, func(t *testing.T) {
			description := callable(t, target)
			for _, later := range rulebook[first:] {
				if !later.alternative {
					later.breaks(description)
				}
			}
			_, err := control.RunCall(deadline(t), description)
			assertRefused(t, err, row.phrase)
		})
	}
}

func TestRunCallsRefusesTheWholeBatchForOneBadDescription(t *testing.T) {
	control, target := startPeer(t, Config{})
	bad := callable(t, target)
	bad.Timeout = nil
	_, err := control.RunCalls(deadline(t), &interopv1.RunCallsRequest{Calls: []*interopv1.RunCallRequest{callable(t, target), bad}})
	assertRefused(t, err, "call 1: timeout is required")
}
