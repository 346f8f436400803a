package provider

import "context"

// Then returns an Operation that waits for first and, once it is done,
// starts the step then returns and waits for that too: a deprovision that
// deletes the data disk only after its instance is gone, because the
// providers refuse to delete an attached disk. A nil Operation from then
// ends the wait. Name is first's name.
func Then(first Operation, then func(ctx context.Context) (Operation, error)) Operation {
	return Steps(first.Name(), first, then)
}

// Steps returns an Operation named name that waits for first (already
// sent; nil when there is none) and then runs steps one after the other,
// each started once the one before is done and waited for: a recreate
// that deletes the old VM, makes a boot disk and creates the VM around
// it. A step that returns a nil Operation had nothing to wait for; the
// first error ends the wait.
func Steps(name string, first Operation, steps ...func(ctx context.Context) (Operation, error)) Operation {
	return &chain{name: name, first: first, steps: steps}
}

type chain struct {
	name  string
	first Operation
	steps []func(ctx context.Context) (Operation, error)
}

func (c *chain) Name() string { return c.name }

func (c *chain) Wait(ctx context.Context) error {
	if c.first != nil {
		if err := c.first.Wait(ctx); err != nil {
			return err
		}
	}
	for _, step := range c.steps {
		op, err := step(ctx)
		if err != nil {
			return err
		}
		if op != nil {
			if err := op.Wait(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}
