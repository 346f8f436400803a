package smoketest

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/smoke"
)

// inspector answers from the simulated cloud's ground truth: no API call,
// no fault, no lag.
type inspector struct {
	cloud *fakes.Cloud
	kind  string
}

var _ smoke.Inspector = inspector{}

// Inspect implements smoke.Inspector. The simulated volume has no id
// beyond its name, so VolumeID is the name: a replaced volume would show
// as one that stopped existing, which every step checks.
func (i inspector) Inspect(_ context.Context, h provider.Host) (smoke.Inspection, error) {
	tr := i.cloud.Truth(i.kind, h)
	in := smoke.Inspection{VM: tr.VM, RawVM: tr.RawVM, VMID: tr.VMID, Address: tr.Address,
		VolumeExists: tr.VolumeExists, RawVolume: tr.RawVolume}
	if !tr.VMExists {
		in.VM = hoststate.VMAbsent
	}
	if tr.VolumeExists {
		in.VolumeID = h.Volume
	}
	return in, nil
}

// Leftovers implements smoke.Inspector: a VM that is not absent (a
// terminated Lambda instance lingers, absent) and a volume that exists.
func (i inspector) Leftovers(_ context.Context, h provider.Host) ([]string, error) {
	tr := i.cloud.Truth(i.kind, h)
	var left []string
	if tr.VMExists && tr.VM != hoststate.VMAbsent {
		left = append(left, fmt.Sprintf("%s vm %s (%s)", i.kind, h.Instance, tr.RawVM))
	}
	if tr.VolumeExists {
		left = append(left, fmt.Sprintf("%s volume %s (%s)", i.kind, h.Volume, tr.RawVolume))
	}
	return left, nil
}
