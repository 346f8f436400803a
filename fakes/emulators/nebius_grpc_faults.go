package emulators

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// NebiusWireFaultKind is what a wire fault does to a Nebius gRPC call.
type NebiusWireFaultKind uint8

// Nebius wire faults. The first ones fail the call as Nebius (or a proxy
// in front of it) does; the others answer, wrongly.
const (
	// NebiusUnavailable fails with UNAVAILABLE and no detail, as a 5xx of
	// a proxy does.
	NebiusUnavailable NebiusWireFaultKind = iota + 1
	// NebiusTooManyRequests fails with RESOURCE_EXHAUSTED and a
	// ServiceError TooManyRequests detail (retry_type CALL): a rate limit.
	NebiusTooManyRequests
	// NebiusQuotaFailure fails with RESOURCE_EXHAUSTED and a QuotaFailure
	// detail: a quota refusal.
	NebiusQuotaFailure
	// NebiusNotEnoughResources fails with RESOURCE_EXHAUSTED and a
	// NotEnoughResources detail: no capacity.
	NebiusNotEnoughResources
	// NebiusPermissionDenied fails with PERMISSION_DENIED and a
	// PermissionDenied detail.
	NebiusPermissionDenied
	// NebiusCode fails with NebiusWireFault.Code and no detail (say
	// Unimplemented, or Unknown).
	NebiusCode
	// NebiusSlow never answers: the call waits until its context ends
	// (the client's deadline, or Close).
	NebiusSlow
	// NebiusNoStatus answers an instance or disk without its status.
	NebiusNoStatus
	// NebiusNoID answers a resource or an operation without its id.
	NebiusNoID
	// NebiusWrongID answers about another resource (another operation).
	NebiusWrongID
	// NebiusUnknownState answers a state number the API does not define.
	NebiusUnknownState
	// NebiusGarbled answers bytes that do not decode as the message.
	NebiusGarbled
)

// NebiusWireFault is one fault of the Nebius gRPC emulator.
type NebiusWireFault struct {
	// Kind is what the fault does.
	Kind NebiusWireFaultKind
	// Method selects the calls it applies to (NebiusInstanceGet, ...);
	// "" means every call.
	Method string
	// Code is NebiusCode's status code.
	Code codes.Code
	// Count is how many matching calls it applies to; 0 means every one
	// until ClearWireFaults.
	Count int
	// Message replaces the status message of a failing fault ("" keeps
	// the stock one).
	Message string
}

// InjectWireFault adds a fault; faults apply in the order they were added,
// after the token check and before the fake sees the call (answers are
// corrupted after it).
func (e *NebiusGRPC) InjectWireFault(f NebiusWireFault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &f)
}

// ClearWireFaults removes every wire fault.
func (e *NebiusGRPC) ClearWireFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// takeWireFault returns the first fault matching method, counting it down.
func (e *NebiusGRPC) takeWireFault(method string) *NebiusWireFault {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, f := range e.faults {
		if f.Method != "" && f.Method != method {
			continue
		}
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				e.faults = append(e.faults[:i:i], e.faults[i+1:]...)
			}
		}
		c := *f
		return &c
	}
	return nil
}

// fail returns the error of a failing fault, or nil for one that answers.
func (f *NebiusWireFault) fail(ctx context.Context) error {
	se := &nebiuspb.ServiceError{Service: "compute"}
	var st *status.Status
	switch f.Kind {
	case NebiusUnavailable:
		return status.Error(codes.Unavailable, "upstream connect error")
	case NebiusCode:
		return status.Error(f.Code, "injected fault")
	case NebiusSlow:
		<-ctx.Done()
		return status.FromContextError(ctx.Err()).Err()
	case NebiusTooManyRequests:
		st = status.New(codes.ResourceExhausted, "too many requests")
		se.Code, se.RetryType = "TooManyRequests", nebiuspb.ServiceError_CALL
		se.Details = &nebiuspb.ServiceError_TooManyRequests{TooManyRequests: &nebiuspb.TooManyRequests{Violation: "compute.requests.per_second"}}
	case NebiusQuotaFailure:
		st = status.New(codes.ResourceExhausted, "quota exceeded: compute.instance.gpu")
		se.Code, se.RetryType = "QuotaFailure", nebiuspb.ServiceError_NOTHING
		se.Details = &nebiuspb.ServiceError_QuotaFailure{QuotaFailure: &nebiuspb.QuotaFailure{Violations: []*nebiuspb.QuotaFailure_Violation{
			{Quota: "compute.instance.gpu.h100", Message: "the project's GPU quota is used up", Limit: "8", Requested: "16"},
		}}}
	case NebiusNotEnoughResources:
		st = status.New(codes.ResourceExhausted, "not enough resources")
		se.Code, se.RetryType = "NotEnoughResources", nebiuspb.ServiceError_NOTHING
		se.Details = &nebiuspb.ServiceError_NotEnoughResources{NotEnoughResources: &nebiuspb.NotEnoughResources{Violations: []*nebiuspb.NotEnoughResources_Violation{
			{ResourceType: "gpu-h100-sxm", Message: "no capacity in the region", Requested: "8"},
		}}}
	case NebiusPermissionDenied:
		st = status.New(codes.PermissionDenied, "permission denied")
		se.Code, se.RetryType = "PermissionDenied", nebiuspb.ServiceError_NOTHING
		se.Details = &nebiuspb.ServiceError_PermissionDenied{PermissionDenied: &nebiuspb.PermissionDenied{ResourceId: "project-e00denied"}}
	default:
		return nil
	}
	if f.Message != "" {
		st = status.New(st.Code(), f.Message)
	}
	return withServiceError(st, se).Err()
}

// corrupt breaks an answer as the fault says.
func (f *NebiusWireFault) corrupt(resp any) {
	switch m := resp.(type) {
	case *nebiuspb.Instance:
		switch {
		case f.Kind == NebiusNoStatus:
			m.Status = nil
		case f.Kind == NebiusNoID:
			m.Metadata = nil
		case f.Kind == NebiusWrongID && m.Metadata != nil:
			m.Metadata.Id += "-other"
		case f.Kind == NebiusUnknownState && m.Status != nil:
			m.Status.State = unknownStateNumber
		}
	case *nebiuspb.Disk:
		switch {
		case f.Kind == NebiusNoStatus:
			m.Status = nil
		case f.Kind == NebiusNoID:
			m.Metadata = nil
		case f.Kind == NebiusWrongID && m.Metadata != nil:
			m.Metadata.Id += "-other"
		case f.Kind == NebiusUnknownState && m.Status != nil:
			m.Status.State = unknownStateNumber
		}
	case *nebiuspb.Operation:
		switch f.Kind {
		case NebiusNoID:
			m.Id = ""
		case NebiusWrongID:
			m.Id += "-other"
		}
	case *nebiuspb.ListInstancesResponse:
		for _, in := range m.GetItems() {
			f.corrupt(in)
		}
	case *nebiuspb.ListDisksResponse:
		for _, d := range m.GetItems() {
			f.corrupt(d)
		}
	}
}

// garbledAnswer is what the interceptor answers for NebiusGarbled; the
// emulator's codec writes it as bytes no message decodes from.
type garbledAnswer struct{}

// answerCodec is the emulator's server codec: gRPC's proto codec, and
// garbled bytes for a garbledAnswer.
type answerCodec struct{ base encoding.CodecV2 }

// newAnswerCodec wraps gRPC's registered proto codec.
func newAnswerCodec() (answerCodec, error) {
	base := encoding.GetCodecV2(proto.Name)
	if base == nil {
		return answerCodec{}, fmt.Errorf("emulators: gRPC has no %q codec", proto.Name)
	}
	return answerCodec{base: base}, nil
}

// Marshal implements encoding.CodecV2.
func (c answerCodec) Marshal(v any) (mem.BufferSlice, error) {
	if _, ok := v.(garbledAnswer); ok {
		// A length-delimited field 1 whose length runs past the end:
		// every decoder refuses it.
		return mem.BufferSlice{mem.SliceBuffer{0x0a, 0xff, 0xff, 0x03}}, nil
	}
	return c.base.Marshal(v)
}

// Unmarshal implements encoding.CodecV2.
func (c answerCodec) Unmarshal(data mem.BufferSlice, v any) error { return c.base.Unmarshal(data, v) }

// Name implements encoding.CodecV2: the proto content subtype.
func (c answerCodec) Name() string { return c.base.Name() }
