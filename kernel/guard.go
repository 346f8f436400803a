package kernel

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// ErrProviderPanic is matched by the error an adapter call turns into when
// the adapter panics: the kernel recovers and treats it as a failed call,
// so one bad adapter cannot take a shell down.
var ErrProviderPanic = errors.New("kernel: provider panicked")

// recovered turns a recovered panic value into an error.
func recovered(name, method string, v any) error {
	return fmt.Errorf("%w: %s.%s: %v", ErrProviderPanic, name, method, v)
}

// guardValue calls f, turning a panic into an error.
func guardValue[T any](p interface{ Name() string }, method string, f func() T) (v T, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = recovered(safeName(p), method, x)
		}
	}()
	return f(), nil
}

// safeName is p.Name() for messages, "provider" if even that panics.
func safeName(p interface{ Name() string }) (name string) {
	defer func() {
		if recover() != nil {
			name = "provider"
		}
	}()
	return p.Name()
}

// guardCall runs one adapter request under a timeout, turning a panic
// into an error.
func guardCall[T any](ctx context.Context, p *Provider, method string, f func(context.Context) (T, error)) (v T, err error) {
	ctx, span := p.tracer.Start(ctx, "driftless.provider."+method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("driftless.provider", p.name)))
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CallTimeout)
	defer func() {
		cancel()
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "provider call failed")
		}
		span.End()
	}()
	defer func() {
		if x := recover(); x != nil {
			err = recovered(p.name, method, x)
		}
	}()
	return f(ctx)
}
