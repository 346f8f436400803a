package provider

import "context"

// Then returns an Operation that waits for first and, once it is done,
// starts the step then returns and waits for that too: a deprovision that
// deletes the data disk only after its instance is gone, because the
// providers refuse to delete an attached disk. A nil Operation from then
// ends the wait. Name is first's name.
func Then(first Operation, then func(ctx context.Context) (Operation, error)) Operation {
	return &chain{first: first, then: then}
}

type chain struct {
	first Operation
	then  func(ctx context.Context) (Operation, error)
}

func (c *chain) Name() string { return c.first.Name() }

func (c *chain) Wait(ctx context.Context) error {
	if err := c.first.Wait(ctx); err != nil {
		return err
	}
	next, err := c.then(ctx)
	if err != nil || next == nil {
		return err
	}
	return next.Wait(ctx)
}
