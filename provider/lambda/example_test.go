package lambda_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/lambda"
)

// The adapter against a local emulator of the Lambda Cloud API. Lambda
// cannot stop: stopping a Lambda host means deprovisioning it.
func Example() {
	srv := emulators.NewLambda(fakes.NewCloud(nil, 1), "example-key")
	defer srv.Close()
	host := provider.Host{Instance: "0920582c7ff041399e34823a0be62549"}
	if err := srv.AddHost(host, true); err != nil {
		fmt.Println(err)
		return
	}
	p, err := lambda.New(lambda.Config{BaseURL: srv.BaseURL(), APIKey: "example-key", AllowInsecureHTTP: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	obs, err := p.Probe(context.Background(), host)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(obs.VM, obs.RawVM, "/", obs.Volume)
	_, err = p.Stop(context.Background(), host)
	fmt.Println(errors.Is(err, provider.ErrUnsupported))
	// Output:
	// running active / none
	// true
}
