// Package smoketest wires the smoke harness (package smoke) to the
// in-process emulators: every provider's real adapter over its emulator
// (GCP, Hyperstack and Lambda over HTTP, Nebius over its fake services,
// self-host over emulated connectors), all on one simulated cloud
// (package fakes) and one manual clock that moves only while everything
// under test waits on it.
//
// [New] builds the targets; [Env.Time] is the run's time. The targets'
// inspectors read the simulated cloud's ground truth, their injectors set
// its faults, and GCP hosts get a name in a simulated DNS zone that
// publishes an address a while after the VM gets it and keeps it when the
// VM stops.
//
// It is the wiring of `go run ./examples/smoke -emulate` and of the smoke
// package's tests; like providertest, it imports the simulated cloud and
// is meant for tests and examples only.
package smoketest
