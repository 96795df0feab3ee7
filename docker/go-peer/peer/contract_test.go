package peer

import (
	"context"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// unseenEcho is a proto this peer was not generated from. Its request carries a well-known type,
// which a set may leave out.
const unseenEcho = `
name: "unseen/v1/echo.proto"
package: "unseen.v1"
syntax: "proto3"
dependency: "google/protobuf/duration.proto"
message_type {
  name: "SayRequest"
  field { name: "text" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "text" }
  field { name: "delay" number: 2 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".google.protobuf.Duration" json_name: "delay" }
}
message_type {
  name: "SayResponse"
  field { name: "text" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "text" }
}
service {
  name: "Echo"
  method { name: "Say" input_type: ".unseen.v1.SayRequest" output_type: ".unseen.v1.SayResponse" }
}
`

// unseenOther is another such proto, for a contract that replaces the first.
const unseenOther = `
name: "unseen/v2/other.proto"
package: "unseen.v2"
syntax: "proto3"
message_type { name: "Nothing" }
service {
  name: "Other"
  method { name: "Do" input_type: ".unseen.v2.Nothing" output_type: ".unseen.v2.Nothing" }
}
`

// brokenImport imports a file that its set will not carry.
const brokenImport = `
name: "unseen/v1/broken.proto"
package: "unseen.v1"
syntax: "proto3"
dependency: "unseen/v1/missing.proto"
`

const say = "unseen.v1.Echo/Say"

func fileProto(t *testing.T, text string) *descriptorpb.FileDescriptorProto {
	t.Helper()
	file := new(descriptorpb.FileDescriptorProto)
	if err := prototext.Unmarshal([]byte(text), file); err != nil {
		t.Fatal(err)
	}
	return file
}

func descriptorSet(t *testing.T, files ...*descriptorpb.FileDescriptorProto) []byte {
	t.Helper()
	serialized, err := proto.Marshal(&descriptorpb.FileDescriptorSet{File: files})
	if err != nil {
		t.Fatal(err)
	}
	return serialized
}

// serveEcho serves unseen.v1.Echo on a free loopback port, with dynamic messages too, and returns
// its target: a server of a contract that neither it nor the peer has generated code for.
func serveEcho(t *testing.T) string {
	t.Helper()
	method := mustLink(t, unseenEcho).Services().ByName("Echo").Methods().ByName("Say")
	in, out := method.Input(), method.Output()
	sayHandler := func(_ any, _ context.Context, decode func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
		request := dynamicpb.NewMessage(in)
		if err := decode(request); err != nil {
			return nil, err
		}
		delay := request.Get(in.Fields().ByName("delay")).Message()
		text := fmt.Sprintf("%s after %ds", request.Get(in.Fields().ByName("text")).String(), delay.Get(delay.Descriptor().Fields().ByName("seconds")).Int())
		response := dynamicpb.NewMessage(out)
		response.Set(out.Fields().ByName("text"), protoreflect.ValueOfString(text))
		return response, nil
	}
	server := grpc.NewServer()
	server.RegisterService(&grpc.ServiceDesc{
		ServiceName: "unseen.v1.Echo",
		HandlerType: (*any)(nil),
		Methods:     []grpc.MethodDesc{{MethodName: "Say", Handler: sayHandler}},
	}, nil)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go server.Serve(listener)
	t.Cleanup(server.Stop)
	return listener.Addr().String()
}

func loadContract(t *testing.T, control interopv1.PeerControlServiceClient, set []byte) ([]string, error) {
	t.Helper()
	response, err := control.LoadContract(deadline(t), &interopv1.LoadContractRequest{FileDescriptorSet: set})
	return response.GetServices(), err
}

// sayHello calls unseen.v1.Echo/Say through the peer's RunCall, its request built from the
// descriptor alone, and returns the response's text, or RunCall's refusal.
func sayHello(t *testing.T, control interopv1.PeerControlServiceClient, target string) (string, error) {
	t.Helper()
	file := mustLink(t, unseenEcho)
	request := dynamicpb.NewMessage(file.Messages().ByName("SayRequest"))
	request.Set(request.Descriptor().Fields().ByName("text"), protoreflect.ValueOfString("hello"))
	request.Set(request.Descriptor().Fields().ByName("delay"), protoreflect.ValueOfMessage(durationpb.New(3*time.Second).ProtoReflect()))
	value, err := proto.Marshal(request)
	if err != nil {
		t.Fatal(err)
	}
	observed, err := control.RunCall(deadline(t), &interopv1.RunCallRequest{
		Target: target, Method: say, Timeout: durationpb.New(5 * time.Second),
		Requests: []*anypb.Any{{TypeUrl: "type.googleapis.com/unseen.v1.SayRequest", Value: value}},
	})
	if err != nil {
		return "", err
	}
	if observed.Status.Code != 0 || len(observed.Responses) != 1 {
		t.Fatalf("%s: %v", say, observed)
	}
	if got := observed.Responses[0].TypeUrl; got != "type.googleapis.com/unseen.v1.SayResponse" {
		t.Fatalf("response type_url %q", got)
	}
	response := dynamicpb.NewMessage(file.Messages().ByName("SayResponse"))
	if err := proto.Unmarshal(observed.Responses[0].Value, response); err != nil {
		t.Fatal(err)
	}
	return response.Get(response.Descriptor().Fields().ByName("text")).String(), nil
}

// mustLink is a file of the test's own, linked against the runtime's well-known types.
func mustLink(t *testing.T, text string) protoreflect.FileDescriptor {
	t.Helper()
	file, err := protodesc.NewFile(fileProto(t, text), protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func assertSaysHello(t *testing.T, control interopv1.PeerControlServiceClient, target string) {
	t.Helper()
	text, err := sayHello(t, control, target)
	if err != nil || text != "hello after 3s" {
		t.Fatalf("%s: got %q, %v", say, text, err)
	}
}

func TestLoadContractMakesAnUnseenMethodCallable(t *testing.T) {
	control, self := startPeer(t, Config{})
	echo := serveEcho(t)
	_, err := sayHello(t, control, echo)
	assertRefused(t, err, `unknown method "unseen.v1.Echo/Say"`)

	services, err := loadContract(t, control, descriptorSet(t, fileProto(t, unseenEcho)))
	if err != nil || !slices.Equal(services, []string{"unseen.v1.Echo"}) {
		t.Fatalf("LoadContract: %v, %v", services, err)
	}
	assertSaysHello(t, control, echo)

	// The peer's own services stay callable.
	observed := runCall(t, control, &interopv1.RunCallRequest{
		Target: self, Method: "interop.v1.PeerControlService/EchoStatus",
		Requests: packed(t, &interopv1.EchoStatusRequest{Code: int32(codes.NotFound), Message: "still here"}),
	})
	if codes.Code(observed.Status.Code) != codes.NotFound || observed.Status.Message != "still here" {
		t.Errorf("EchoStatus after LoadContract: %v", observed.Status)
	}
}

func TestLoadContractTakesTheWellKnownTypesFromTheSetToo(t *testing.T) {
	control, _ := startPeer(t, Config{})
	echo := serveEcho(t)
	duration := protodesc.ToFileDescriptorProto(durationpb.File_google_protobuf_duration_proto)
	if _, err := loadContract(t, control, descriptorSet(t, duration, fileProto(t, unseenEcho))); err != nil {
		t.Fatal(err)
	}
	assertSaysHello(t, control, echo)
}

func TestALaterLoadContractReplacesTheEarlierOne(t *testing.T) {
	control, _ := startPeer(t, Config{})
	echo := serveEcho(t)
	if _, err := loadContract(t, control, descriptorSet(t, fileProto(t, unseenEcho))); err != nil {
		t.Fatal(err)
	}
	services, err := loadContract(t, control, descriptorSet(t, fileProto(t, unseenOther)))
	if err != nil || !slices.Equal(services, []string{"unseen.v2.Other"}) {
		t.Fatalf("LoadContract: %v, %v", services, err)
	}
	_, err = sayHello(t, control, echo)
	assertRefused(t, err, `unknown method "unseen.v1.Echo/Say"`)
}

func TestLoadContractRefusesASetItCannotUseAndKeepsTheEarlierOne(t *testing.T) {
	control, _ := startPeer(t, Config{})
	echo := serveEcho(t)
	if _, err := loadContract(t, control, descriptorSet(t, fileProto(t, unseenEcho))); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		set     []byte
		phrases []string
	}{
		{"bytes that are no FileDescriptorSet", []byte{0xff, 0x01}, []string{"does not parse as a FileDescriptorSet"}},
		{
			"a set missing an import", descriptorSet(t, fileProto(t, brokenImport)),
			[]string{"unseen/v1/broken.proto does not link", `"unseen/v1/missing.proto"`},
		},
		{
			"an import outside the well-known types that the runtime has",
			descriptorSet(t, fileProto(t, `name: "uses/calculator.proto" dependency: "calculator/v1/calculator.proto"`)),
			[]string{"uses/calculator.proto does not link", `"calculator/v1/calculator.proto"`},
		},
		{
			"a type that resolves nowhere",
			descriptorSet(t, fileProto(t, `name: "unseen/v1/typo.proto" package: "unseen.v1" syntax: "proto3"
				message_type { name: "M" field { name: "f" number: 1 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".unseen.v1.Missing" } }`)),
			[]string{"unseen/v1/typo.proto does not link", "unseen.v1.Missing"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadContract(t, control, c.set)
			for _, phrase := range c.phrases {
				assertRefused(t, err, phrase)
			}
			assertSaysHello(t, control, echo)
		})
	}
}

// A method both the loaded contract and the generated code define is called with the loaded
// contract's dynamic messages, never the generated ones.
func TestTheLoadedContractComesBeforeTheGeneratedCode(t *testing.T) {
	runner := NewCallRunner()
	defer runner.Close()
	calculatorFile := protodesc.ToFileDescriptorProto(calculatorv1.File_calculator_v1_calculator_proto)
	if _, err := runner.Load(descriptorSet(t, calculatorFile)); err != nil {
		t.Fatal(err)
	}
	_, input, output, ok := runner.resolve("calculator.v1.CalculatorService/Calculate")
	if !ok {
		t.Fatal("Calculate not found")
	}
	for _, messageType := range []protoreflect.MessageType{input, output} {
		if _, dynamic := messageType.New().Interface().(*dynamicpb.Message); !dynamic {
			t.Errorf("%s is %T, not a dynamic message", messageType.Descriptor().FullName(), messageType.New().Interface())
		}
	}
	_, input, _, ok = runner.resolve("interop.v1.PeerControlService/EchoStatus")
	if _, generated := input.New().Interface().(*interopv1.EchoStatusRequest); !ok || !generated {
		t.Errorf("EchoStatus, not in the loaded contract, must use the generated types: %v", input)
	}
}
