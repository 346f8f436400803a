package nebius

import (
	"sync/atomic"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
)

// answerCodec is the proto codec of one call that remembers whether the
// answer failed to decode. gRPC reports an undecodable answer as
// INTERNAL, the code of a server's own failure too (transient to the
// adapter); the flag makes it a bad response instead, without reading
// gRPC's message text.
type answerCodec struct {
	encoding.CodecV2
	garbled atomic.Bool
}

// newAnswerCodec returns a fresh codec over gRPC's registered proto codec,
// or nil if there is none (then calls use gRPC's default, unflagged).
func newAnswerCodec() *answerCodec {
	base := encoding.GetCodecV2(proto.Name)
	if base == nil {
		return nil
	}
	return &answerCodec{CodecV2: base}
}

// Unmarshal implements encoding.CodecV2.
func (c *answerCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if err := c.CodecV2.Unmarshal(data, v); err != nil {
		c.garbled.Store(true)
		return err
	}
	return nil
}
