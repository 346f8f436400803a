package gcp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/googleapis/gax-go/v2/callctx"
)

// callHeader carries a call id from the adapter through the SDK to the
// transport, which strips it before the request leaves.
const callHeader = "x-driftless-call"

// fieldsHeader carries a partial-response field mask from the adapter to
// the transport, which sends it as the request's fields parameter (the
// SDK has no option for it) and strips the header.
const fieldsHeader = "x-driftless-fields"

// errBodyTooLarge is the read error of a response body longer than the cap;
// it is classified as provider.ErrBadResponse.
var errBodyTooLarge = errors.New("gcp: response body exceeds the size cap")

// guardTransport bounds what one request can cost: the body is capped and
// every request gets a deadline. The compute SDK reads whole bodies
// with io.ReadAll and builds its aggregated-list requests without the
// caller's context, so neither is bounded otherwise.
type guardTransport struct {
	base    http.RoundTripper
	maxBody int64
	timeout time.Duration
	calls   *calls
}

// calls maps call ids to their callers' contexts, so the transport can
// give a request the context the SDK left off.
type calls struct {
	next atomic.Uint64
	ctxs sync.Map // string → context.Context
}

// bind returns ctx marked with a new call id and a function that forgets
// it; requests the SDK builds under the returned context carry the id.
func (c *calls) bind(ctx context.Context) (context.Context, func()) {
	id := strconv.FormatUint(c.next.Add(1), 10)
	c.ctxs.Store(id, ctx)
	return callctx.SetHeaders(ctx, callHeader, id), func() { c.ctxs.Delete(id) }
}

// RoundTrip implements http.RoundTripper.
func (t guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// gax sets headers in lower case, outside net/http's canonical form.
	if ids := append(req.Header[callHeader], req.Header.Values(callHeader)...); len(ids) > 0 {
		ctx := req.Context()
		if v, ok := t.calls.ctxs.Load(ids[0]); ok {
			ctx = v.(context.Context)
		}
		req = req.Clone(ctx)
		delete(req.Header, callHeader)
		req.Header.Del(callHeader)
	}
	if fields := append(req.Header[fieldsHeader], req.Header.Values(fieldsHeader)...); len(fields) > 0 {
		req = req.Clone(req.Context())
		delete(req.Header, fieldsHeader)
		req.Header.Del(fieldsHeader)
		q := req.URL.Query()
		q.Set("fields", fields[0])
		req.URL.RawQuery = q.Encode()
	}
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
