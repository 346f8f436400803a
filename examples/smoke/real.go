package main

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/smoke"
)

// credentialHelp says, per provider, what a real run reads from the
// environment.
var credentialHelp = [][2]string{
	{"lambda", "LAMBDA_API_KEY; LAMBDA_REGION (default us-east-1), LAMBDA_INSTANCE_TYPE (default gpu_1x_a10), LAMBDA_SSH_KEY (a key name, required)"},
	{"gcp", "GCP_PROJECT, GCP_ZONE, Application Default Credentials (gcloud auth application-default login); GCP_MACHINE_TYPE (default e2-small), GCP_IMAGE (default Debian 12)"},
	{"hyperstack", "not wired yet: the run would have to create the data volume itself"},
	{"nebius", "not wired yet: the run would have to create the data disk itself"},
	{"selfhost", "no cloud API: run it with -emulate, or against your connector in your own program"},
}

// realTargets builds the targets of a real run; a provider that cannot
// run (no credentials, not wired) is a skipped target with the reason.
func realTargets(ctx context.Context, prefix string, providers []string, getenv func(string) string) ([]smoke.Target, func()) {
	var (
		targets []smoke.Target
		closers []func()
	)
	for _, name := range providers {
		switch name {
		case "lambda":
			targets = append(targets, lambdaTarget(prefix, getenv))
		case "gcp":
			t, closeIt := gcpTarget(ctx, prefix, getenv)
			targets, closers = append(targets, t), append(closers, closeIt)
		default:
			targets = append(targets, smoke.Target{Name: name, Skip: skipReason(name)})
		}
	}
	return targets, func() {
		for _, c := range closers {
			c()
		}
	}
}

// skipReason is the usage line of a provider a real run cannot do.
func skipReason(name string) string {
	for _, c := range credentialHelp {
		if c[0] == name {
			return c[1]
		}
	}
	return "unknown provider"
}

// lambdaTarget is a Lambda host named prefix-lambda, launched by the
// run's start from the environment's spec.
func lambdaTarget(prefix string, getenv func(string) string) smoke.Target {
	key, sshKey := getenv("LAMBDA_API_KEY"), getenv("LAMBDA_SSH_KEY")
	if key == "" || sshKey == "" {
		return smoke.Target{Name: "lambda", Skip: "missing credentials: set LAMBDA_API_KEY and LAMBDA_SSH_KEY"}
	}
	spec := provider.LaunchSpec{Region: orDefault(getenv("LAMBDA_REGION"), "us-east-1"),
		Flavor: orDefault(getenv("LAMBDA_INSTANCE_TYPE"), "gpu_1x_a10"), SSHKeys: []string{sshKey}}
	p, err := lambda.New(lambda.Config{APIKey: key, LaunchSpec: provider.FixedLaunch(spec)})
	if err != nil {
		return smoke.Target{Name: "lambda", Skip: fmt.Sprintf("lambda: %v", err)}
	}
	host := provider.Host{Instance: prefix + "-lambda"}
	return smoke.Target{Provider: p, Host: host, Inspector: probeInspector{p}}
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// probeInspector reads a real provider's own view through the adapter's
// probe. Adapters report no immutable volume id, so a volume's identity is
// its reference, and a volume is checked to exist at every step.
type probeInspector struct{ p provider.Provider }

// Inspect implements smoke.Inspector.
func (i probeInspector) Inspect(ctx context.Context, h provider.Host) (smoke.Inspection, error) {
	o, err := i.p.Probe(ctx, h)
	if err != nil {
		return smoke.Inspection{}, err
	}
	in := smoke.Inspection{VM: o.VM, RawVM: o.RawVM, VMID: o.VMID, Address: o.Address, RawVolume: o.RawVolume}
	if o.Volume != hoststate.VolumeAbsent && o.Volume != hoststate.VolumeNone && h.Volume != "" {
		in.VolumeExists, in.VolumeID = true, h.Volume
	}
	return in, nil
}

// Leftovers implements smoke.Inspector.
func (i probeInspector) Leftovers(ctx context.Context, h provider.Host) ([]string, error) {
	in, err := i.Inspect(ctx, h)
	if err != nil {
		return nil, err
	}
	var left []string
	if in.VM != hoststate.VMAbsent {
		left = append(left, fmt.Sprintf("%s vm %s (%s)", i.p.Name(), h.Instance, in.RawVM))
	}
	if in.VolumeExists {
		left = append(left, fmt.Sprintf("%s volume %s (%s)", i.p.Name(), h.Volume, in.RawVolume))
	}
	return left, nil
}
