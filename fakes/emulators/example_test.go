package emulators_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
)

// An emulator answers the provider's real paths with its real JSON, from
// the simulated cloud, and can break the wire on demand.
func Example() {
	srv := emulators.NewGCP(fakes.NewCloud(nil, 1))
	defer srv.Close()
	host := provider.Host{Project: "p", Zone: "z", Instance: "vm-1", Volume: "disk-1"}
	if err := srv.AddHost(host, false); err != nil {
		fmt.Println(err)
		return
	}
	status := func() {
		resp, err := http.Get(srv.URL() + "/compute/v1/projects/p/zones/z/instances/vm-1")
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		var inst struct{ Status string }
		_ = json.NewDecoder(resp.Body).Decode(&inst)
		fmt.Println(strings.TrimSpace(fmt.Sprint(resp.StatusCode, " ", inst.Status)))
	}
	status()
	srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: http.StatusServiceUnavailable, Count: 1})
	status()
	status()
	// Output:
	// 200 TERMINATED
	// 503
	// 200 TERMINATED
}
