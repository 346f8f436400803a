package provider_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/driftless/driftless/provider"
)

// logged is an Operation that records its Wait.
type logged struct {
	name string
	log  *[]string
	err  error
}

func (o logged) Name() string { return o.name }
func (o logged) Wait(context.Context) error {
	*o.log = append(*o.log, "wait "+o.name)
	return o.err
}

// Steps waits for the first operation, then starts and waits for each step
// in turn; a step with nothing to wait for goes on, the first error stops.
func TestStepsRunInOrder(t *testing.T) {
	var log []string
	step := func(name string, op bool, err error) func(context.Context) (provider.Operation, error) {
		return func(context.Context) (provider.Operation, error) {
			log = append(log, "start "+name)
			if !op || err != nil {
				return nil, err
			}
			return logged{name, &log, nil}, nil
		}
	}
	err := provider.Steps("s", logged{"first", &log, nil}, step("a", true, nil), step("b", false, nil), step("c", true, nil)).Wait(context.Background())
	if want := []string{"wait first", "start a", "wait a", "start b", "start c", "wait c"}; err != nil || !slices.Equal(log, want) {
		t.Fatalf("Wait = %v, %q; want nil, %q", err, log, want)
	}
	log = nil
	boom := errors.New("boom")
	err = provider.Steps("s", nil, step("a", true, boom), step("b", true, nil)).Wait(context.Background())
	if !errors.Is(err, boom) || !slices.Equal(log, []string{"start a"}) {
		t.Fatalf("Wait = %v, %q; want boom after starting a only", err, log)
	}
	if name := provider.Then(logged{"first", &log, nil}, step("x", false, nil)).Name(); name != "first" {
		t.Errorf("Then's name is %q, want the first operation's", name)
	}
}
