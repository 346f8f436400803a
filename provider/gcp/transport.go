package gcp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// errBodyTooLarge is the read error of a response body longer than the cap;
// it is classified as provider.ErrBadResponse.
var errBodyTooLarge = errors.New("gcp: response body exceeds the size cap")

// guardTransport bounds what one request can cost: the body is capped and
// every request gets a deadline. The compute SDK reads whole bodies with
// io.ReadAll, as the listings do, so neither is bounded otherwise.
type guardTransport struct {
	base    http.RoundTripper
	maxBody int64
	timeout time.Duration
}

// RoundTrip implements http.RoundTripper.
func (t guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Every request gets the timeout, whatever deadline its context
	// already has: a caller's long deadline (an action's 30 minutes) must
	// not let one hung request hold it.
	cancel := context.CancelFunc(func() {})
	if t.timeout > 0 {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(req.Context(), t.timeout)
		req = req.WithContext(ctx)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, left: t.maxBody, cancel: cancel}
	return resp, nil
}

// cappedBody returns errBodyTooLarge once more than left bytes were read,
// and releases the request's timeout when closed.
type cappedBody struct {
	rc     io.ReadCloser
	left   int64
	cancel context.CancelFunc
}

// Read implements io.Reader.
func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, errBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close implements io.Closer.
func (b *cappedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
