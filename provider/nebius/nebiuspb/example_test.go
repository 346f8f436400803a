package nebiuspb_test

import (
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// RESOURCE_EXHAUSTED is both a rate limit and a quota refusal at Nebius:
// the ServiceError in the status details tells them apart.
func Example() {
	st, err := status.New(codes.ResourceExhausted, "quota exceeded").WithDetails(&nebiuspb.ServiceError{
		Service:   "compute",
		Details:   &nebiuspb.ServiceError_QuotaFailure{QuotaFailure: &nebiuspb.QuotaFailure{}},
		RetryType: nebiuspb.ServiceError_NOTHING,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range st.Proto().GetDetails() {
		var se nebiuspb.ServiceError
		if d.UnmarshalTo(&se) != nil {
			continue
		}
		switch se.GetDetails().(type) {
		case *nebiuspb.ServiceError_TooManyRequests:
			fmt.Println("rate limited: retry later")
		case *nebiuspb.ServiceError_QuotaFailure, *nebiuspb.ServiceError_NotEnoughResources:
			fmt.Println("refused:", st.Message(), "/ retry:", se.GetRetryType())
		}
	}
	// Output: refused: quota exceeded / retry: NOTHING
}
