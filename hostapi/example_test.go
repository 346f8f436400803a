package hostapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// A handler over a store and a provider registry lists the hosts with the
// actions a UI may offer, and takes heartbeats from host daemons that
// prove themselves with their tokens.
func ExampleNew() {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	cloud := fakes.NewCloud(clk, 1)
	ref := provider.Host{Region: "region-1", Instance: "vm-1"}
	_ = cloud.AddHost(fakes.Lambda, ref, true)
	st := store.NewMemStore(store.MemConfig{Now: clk.Now})
	_, _ = st.Update(ctx, store.Write{Record: hoststate.Record{ID: "h1", Provider: fakes.Lambda, Ref: ref, Status: hoststate.StatusRunning, Since: clk.Now()}})
	reg, _ := kernel.New(kernel.Config{Providers: []provider.Provider{cloud.Provider(fakes.Lambda)}})
	tokens, _ := hostapi.ParseTokens(strings.NewReader("h1 s3cret-daemon-token\n"))
	api, err := hostapi.New(hostapi.Config{Store: st, Registry: reg, Authenticator: tokens, Clock: clk})
	if err != nil {
		fmt.Println(err)
		return
	}

	w := httptest.NewRecorder()
	api.ServeHTTP(w, httptest.NewRequest("GET", "/api/hosts", nil))
	var list struct {
		Hosts []struct {
			ID      string   `json:"id"`
			Label   string   `json:"label"`
			Offered []string `json:"offered"`
		} `json:"hosts"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &list)
	for _, h := range list.Hosts {
		fmt.Println(h.ID, h.Label, h.Offered) // Lambda cannot stop: no stop offered
	}

	req := httptest.NewRequest("POST", "/api/hosts/h1/heartbeat", strings.NewReader(`{"host_id":"h1","version":"1.0.0","bootstrap":"done"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer s3cret-daemon-token")
	w = httptest.NewRecorder()
	api.ServeHTTP(w, req)
	fmt.Print(w.Code, " ", w.Body)
	// Output:
	// h1 running / waiting for host [reboot deprovision]
	// 200 {"status":"running","accepted":true,"interval_seconds":30,"bootstrap_done":false}
}
