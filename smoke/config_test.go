package smoke_test

import (
	"errors"
	"testing"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/smoke"
	"github.com/driftless/driftless/smoke/smoketest"
)

// TestBadTargets: a Config without time is refused; targets that cannot
// run are a failed or skipped step with the reason, never a panic, and
// nothing is created for them.
func TestBadTargets(t *testing.T) {
	if _, err := smoke.Run(t.Context(), smoke.Config{}); !errors.Is(err, smoke.ErrConfig) {
		t.Errorf("Run without Time: %v, want ErrConfig", err)
	}
	env, targets, err := smoketest.New(t.Context(), smoketest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	gcp := targets[0]
	noInspector := gcp
	noInspector.Inspector = nil
	badHost := gcp
	badHost.Host = provider.Host{Instance: "bad name/../x"}
	badDNS := gcp
	badDNS.DNS = &smoke.DNSCheck{}
	for _, tc := range []struct {
		name    string
		target  smoke.Target
		outcome smoke.Outcome
	}{
		{"no provider", smoke.Target{Name: "x"}, smoke.Failed},
		{"no inspector", noInspector, smoke.Failed},
		{"invalid host", badHost, smoke.Failed},
		{"DNS without resolver", badDNS, smoke.Failed},
		{"skipped", smoke.Target{Name: "x", Skip: "missing credentials"}, smoke.Skipped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := smoke.Run(t.Context(), smoke.Config{Targets: []smoke.Target{tc.target}, Time: env.Time()})
			if err != nil {
				t.Fatal(err)
			}
			run := rep.Runs[0]
			switch tc.outcome {
			case smoke.Skipped:
				if run.Skip == "" || rep.Skipped != 1 || !rep.OK() {
					t.Errorf("report %+v, want one skipped target", rep)
				}
			default:
				if len(run.Steps) != 1 || run.Steps[0].Outcome != smoke.Failed || rep.OK() {
					t.Errorf("report %+v, want one failed step", rep)
				}
			}
		})
	}
	if tr := env.Cloud().Truth("gcp", gcp.Host); tr.VMExists || tr.VolumeExists {
		t.Errorf("a target that could not run created %+v", tr)
	}
}
