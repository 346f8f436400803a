package provider

import "github.com/driftless/driftless/hoststate"

// Facts is what driftless knows of one provider without an account or a
// connection: its name, status tables, behaviour, host validation, what it
// can do and how it lists. Each adapter package exports its Facts and its
// Provider answers from them; the simulated cloud in package fakes takes
// them from there too, so an adapter and its simulation cannot disagree.
type Facts struct {
	// Name is the provider kind, as Provider.Name and Record.Provider.
	Name string
	// VMStates normalizes the provider's raw VM statuses.
	VMStates VMTable
	// VolumeStates normalizes raw data-volume statuses; the zero table
	// when the provider has no separate data volume.
	VolumeStates VolumeTable
	// Capabilities is what Provider.Capabilities returns.
	Capabilities Capabilities
	// Validate is Provider.Validate: it checks a host reference without
	// any request.
	Validate func(Host) error
	// Supports is Provider.Supports of an adapter configured to do all the
	// provider can; an adapter's configuration may take support away (a
	// Hyperstack adapter without a launch spec cannot recreate a VM), never
	// add it.
	Supports func(Host, hoststate.Action) error
	// Scope is Lister.Scope; nil when the adapter does not list.
	Scope func(Host) string
}
