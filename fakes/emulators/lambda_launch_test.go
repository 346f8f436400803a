package emulators_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
)

// TestLambdaLaunchAnswersDuringCreateLag: a launch is answered with the new
// instance's id even while reads do not show the instance yet. The
// emulator once read the instance back through the lagged view and
// answered 500, which the adapter took for a failed launch: a waiter
// resent it, the adapter's lookup by name (lagged too) found nothing, and
// the second launch was refused as "already running" (found by the smoke
// harness's fault mode).
func TestLambdaLaunchAnswersDuringCreateLag(t *testing.T) {
	cloud := fakes.NewCloud(nil, 1)
	if err := cloud.SetFaults(fakes.Lambda, fakes.Faults{CreateLag: time.Minute}); err != nil {
		t.Fatal(err)
	}
	srv := emulators.NewLambda(cloud, "lk")
	t.Cleanup(srv.Close)
	body := `{"region_name":"us-east-1","instance_type_name":"gpu_1x_a10","ssh_key_names":["k"],"name":"late-1"}`
	code, _, b := get(t, t.Context(), http.MethodPost, srv.BaseURL()+"/instance-operations/launch",
		http.Header{"Authorization": {"Bearer lk"}, "Content-Type": {"application/json"}}, body)
	if code != http.StatusOK {
		t.Fatalf("launch during create lag = %d %s, want 200", code, b)
	}
	var ans struct {
		Data struct {
			InstanceIDs []string `json:"instance_ids"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatal(err)
	}
	want := cloud.Truth(fakes.Lambda, provider.Host{Instance: "late-1"}).VMID
	if len(ans.Data.InstanceIDs) != 1 || ans.Data.InstanceIDs[0] != want || want == "" {
		t.Errorf("launch answered ids %v, want [%s]", ans.Data.InstanceIDs, want)
	}
	if _, visible := cloud.RawVM(fakes.Lambda, "late-1"); visible {
		t.Errorf("the instance is visible at once: the create lag did not apply, the test checks nothing")
	}
}
