package emulators_test

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// The Nebius emulator speaks real gRPC on a loopback port: any client of
// the nebius.compute.v1 services can call it, with the bearer token.
func ExampleNewNebiusGRPC() {
	emu, err := emulators.NewNebiusGRPC(fakes.NewCloud(nil, 1), "token")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer emu.Close()
	if err := emu.AddHost(provider.Host{Project: "project-e00abc", Instance: "computeinstance-e00a1", Volume: "computedisk-e00a1"}, true); err != nil {
		fmt.Println(err)
		return
	}
	conn, err := grpc.NewClient(emu.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	instances := nebiuspb.NewInstanceServiceClient(conn)
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer token")

	in, err := instances.Get(ctx, &nebiuspb.GetInstanceRequest{Id: "computeinstance-e00a1"})
	fmt.Println(in.GetStatus().GetState(), err)

	emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusQuotaFailure, Count: 1})
	_, err = instances.Stop(ctx, &nebiuspb.StopInstanceRequest{Id: "computeinstance-e00a1"})
	st := status.Convert(err)
	var se nebiuspb.ServiceError
	if len(st.Proto().GetDetails()) > 0 && st.Proto().GetDetails()[0].UnmarshalTo(&se) == nil {
		fmt.Println(st.Code(), se.GetCode(), se.GetRetryType())
	}
	// Output:
	// RUNNING <nil>
	// ResourceExhausted QuotaFailure NOTHING
}
