package hostapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// subscribeSpy is a store that hands out the contexts its subscribers
// passed, so a test can see a stream's subscription end.
type subscribeSpy struct {
	store.Store
	mu   sync.Mutex
	ctxs chan context.Context
}

func (s *subscribeSpy) Subscribe(ctx context.Context) (<-chan store.Transition, error) {
	s.ctxs <- ctx
	return s.Store.Subscribe(ctx)
}

// stream opens /api/events on srv and returns its lines.
func stream(t *testing.T, ctx context.Context, srv *httptest.Server) (<-chan string, *http.Response) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines, res
}

// next returns the next line starting with prefix, failing after 10 s.
func next(t *testing.T, lines <-chan string, prefix string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before a line starting %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			t.Fatalf("no line starting %q within 10 s", prefix)
		}
	}
}

func TestEventsStreamTransitions(t *testing.T) {
	spy := &subscribeSpy{ctxs: make(chan context.Context, 4)}
	e := newEnv(t, envConfig{keepAlive: 20 * time.Millisecond, store: func(m *store.MemStore) store.Store {
		spy.Store = m
		return spy
	}})
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	lines, res := stream(t, ctx, srv)
	defer res.Body.Close()
	subCtx := <-spy.ctxs

	rec := e.get(gcpRunning)
	next1 := rec
	err := next1.Apply(hoststate.ActionStop, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Update(t.Context(), store.Write{Record: next1, Reason: "stop"}); err != nil {
		t.Fatal(err)
	}
	next(t, lines, "event: transition")
	data := strings.TrimPrefix(next(t, lines, "data: "), "data: ")
	var tr store.Transition
	if err := json.Unmarshal([]byte(data), &tr); err != nil {
		t.Fatalf("data %q: %v", data, err)
	}
	if tr.ID != gcpRunning || tr.From != hoststate.StatusRunning || tr.To != hoststate.StatusStopping || tr.Reason != "stop" {
		t.Errorf("transition %+v", tr)
	}
	// Keep-alives are comments.
	next(t, lines, ": keep-alive")

	// The client going away ends the handler and its subscription.
	cancel()
	select {
	case <-subCtx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription outlived its client")
	}
}

func TestEventsEndOnClose(t *testing.T) {
	e := newEnv(t, envConfig{})
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	lines, res := stream(t, t.Context(), srv)
	defer res.Body.Close()
	next(t, lines, ": driftless events")
	e.h.Close()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				// A closed handler also refuses new streams.
				r, err := srv.Client().Get(srv.URL + "/api/events")
				if err != nil {
					t.Fatal(err)
				}
				r.Body.Close()
				if r.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("a stream after Close: %d", r.StatusCode)
				}
				return
			}
		case <-timeout:
			t.Fatal("Close did not end the stream")
		}
	}
}

// cutOffStore hands its subscribers a feed the test controls.
type cutOffStore struct {
	store.Store
	feed chan store.Transition
}

func (s *cutOffStore) Subscribe(context.Context) (<-chan store.Transition, error) { return s.feed, nil }

// A subscriber that falls behind is cut off by the store (its channel
// closed); the page is told to re-read, and the stream ends.
func TestEventsReset(t *testing.T) {
	cut := &cutOffStore{feed: make(chan store.Transition)}
	e := newEnv(t, envConfig{store: func(m *store.MemStore) store.Store {
		cut.Store = m
		return cut
	}})
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	lines, res := stream(t, t.Context(), srv)
	defer res.Body.Close()
	cut.feed <- store.Transition{ID: "h", From: hoststate.StatusOff, To: hoststate.StatusStarting}
	next(t, lines, "event: transition")
	close(cut.feed)
	next(t, lines, "event: reset")
	for range lines {
	}
}
