package peer

import (
	"fmt"

	"google.golang.org/grpc/mem"
)

// rawMessage is a message as bytes on the wire, neither parsed nor checked.
type rawMessage []byte

// rawCodec passes raw messages through untouched: RunCall's raw mode.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	message, ok := v.(rawMessage)
	if !ok {
		return nil, fmt.Errorf("raw codec: cannot send %T", v)
	}
	return mem.BufferSlice{mem.SliceBuffer(message)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	message, ok := v.(*rawMessage)
	if !ok {
		return fmt.Errorf("raw codec: cannot receive into %T", v)
	}
	*message = data.Materialize()
	return nil
}

// Name is the codec's content subtype; ForceCodecV2 does not send it, so calls stay application/grpc.
func (rawCodec) Name() string {
	return "raw"
}
