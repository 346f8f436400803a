package hostagent_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostagent"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// A host daemon reports its first boot done to a control plane (here
// hostapi on a local test server) and would then heartbeat until it
// stops.
func Example() {
	ctx := context.Background()
	st := store.NewMemStore(store.MemConfig{})
	_, _ = st.Update(ctx, store.Write{Record: hoststate.Record{ID: "h-17", Provider: fakes.GCP, Status: hoststate.StatusRunning, Since: time.Now()}})
	reg, _ := kernel.New(kernel.Config{Providers: []provider.Provider{fakes.NewCloud(nil, 1).Provider(fakes.GCP)}})
	auth, _ := hostapi.NewStaticTokens(map[string]string{"h-17": "tok-h17-0123456789"})
	api, _ := hostapi.New(hostapi.Config{Store: st, Registry: reg, Authenticator: auth})
	srv := httptest.NewServer(api)
	defer srv.Close()

	agent, err := hostagent.New(hostagent.Config{
		ControlPlane: srv.URL, AllowInsecureHTTP: true, // a real control plane is https
		HostID: "h-17", Token: "tok-h17-0123456789", Version: "1.4.2", Address: "203.0.113.7:443",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := agent.BootstrapDone(ctx); err != nil {
		fmt.Println(err)
	}
	rec, _ := st.Get(ctx, "h-17")
	fmt.Println("bootstrap done:", rec.BootstrapDone)
	// A daemon then runs agent.Run(ctx) until it shuts down.

	// Output:
	// bootstrap done: true
}

// First boot takes the bundled sshpiperd through the bundle's "current"
// link and installs only when there is none.
func ExamplePreferBundled() {
	root, _ := os.MkdirTemp("", "hostagent-example-*")
	defer os.RemoveAll(root)
	_ = os.MkdirAll(filepath.Join(root, "v1.2", "bin"), 0o755)
	_ = os.WriteFile(filepath.Join(root, "v1.2", "bin", "sshpiperd"), []byte("#!/bin/sh\n"), 0o755)
	_ = os.Symlink("v1.2", filepath.Join(root, "current"))

	dirs := []string{filepath.Join(root, "current", "bin")}
	for _, tool := range []string{"sshpiperd", "btrfs"} {
		path, err := hostagent.PreferBundled(dirs, tool)
		var be *hostagent.BundleError
		if errors.As(err, &be) { // matches hostagent.ErrNotBundled
			fmt.Println("install", tool+":", "tried", len(be.Tried), "directory:", be.Tried[0].Reason)
			continue
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Println("run", rel)
	}
	// Output:
	// run v1.2/bin/sshpiperd
	// install btrfs: tried 1 directory: does not exist
}
