package fakes

import "errors"

// Errors of the test-helper API itself (not of simulated provider calls,
// which return the provider package's errors).
var (
	// ErrUnknownKind: the kind is not one of [Kinds].
	ErrUnknownKind = errors.New("fakes: unknown provider kind")
	// ErrDuplicateHost: AddHost got an instance or volume the kind already has.
	ErrDuplicateHost = errors.New("fakes: host already exists")
	// ErrUnknownHost: an event names a host that AddHost never added.
	ErrUnknownHost = errors.New("fakes: unknown host")
	// ErrUnknownAction: Act got a value that is not a RawAction constant.
	ErrUnknownAction = errors.New("fakes: unknown action")
	// ErrInvalidStatus: an event got an empty or over-long raw status.
	ErrInvalidStatus = errors.New("fakes: invalid raw status")
)
