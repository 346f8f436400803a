package reconcile

import (
	"testing"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// TestFromListingMatchesZonedEntriesByZone: a listing whose entries name
// their zones (GCP lists a project) matches a host by zone and name, so
// equal names in two zones stay apart; a listing without zones matches by
// name alone, whatever zone the host's reference carries.
func TestFromListingMatchesZonedEntriesByZone(t *testing.T) {
	caps := provider.Capabilities{SeparateVolume: true}
	zoned := map[listKey]provider.ListedVM{
		{"zone-a", "vm-1"}: {Instance: "vm-1", Zone: "zone-a", VM: hoststate.VMRunning, Raw: "RUNNING"},
		{"zone-b", "vm-1"}: {Instance: "vm-1", Zone: "zone-b", VM: hoststate.VMStopped, Raw: "TERMINATED"},
	}
	vols := map[listKey]provider.ListedVolume{
		{"zone-a", "disk-1"}: {Volume: "disk-1", Zone: "zone-a", State: hoststate.VolumePresent, Raw: "READY"},
	}
	for _, tt := range []struct {
		zone    string
		wantVM  hoststate.VMState
		wantVol hoststate.VolumeState
	}{
		{"zone-a", hoststate.VMRunning, hoststate.VolumePresent},
		{"zone-b", hoststate.VMStopped, hoststate.VolumeAbsent},
		{"zone-c", hoststate.VMAbsent, hoststate.VolumeAbsent},
	} {
		o := fromListing(provider.Host{Zone: tt.zone, Instance: "vm-1", Volume: "disk-1"}, caps, true, zoned, vols)
		if o.VM != tt.wantVM || o.Volume != tt.wantVol {
			t.Errorf("%s: VM %v volume %v, want %v %v", tt.zone, o.VM, o.Volume, tt.wantVM, tt.wantVol)
		}
	}
	plain := map[listKey]provider.ListedVM{{"", "vm-1"}: {Instance: "vm-1", VM: hoststate.VMRunning, Raw: "ACTIVE"}}
	o := fromListing(provider.Host{Zone: "zone-a", Instance: "vm-1"}, provider.Capabilities{}, false, plain, nil)
	if o.VM != hoststate.VMRunning || o.Volume != hoststate.VolumeNone {
		t.Errorf("a listing without zones: VM %v volume %v", o.VM, o.Volume)
	}
}
