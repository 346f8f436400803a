package pgstore_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

// TestQueriesUseIndexes checks the plans of the reconciler's selections
// and of Due on a fleet shaped like a real one (half of it off, never
// heard from, without an address) and large enough (100,000 hosts) for
// the planner's misestimates of correlated columns to show: a quiet tick
// must not read every host.
func TestQueriesUseIndexes(t *testing.T) {
	s, pool := newStore(t, pgstore.Config{})
	ctx := t.Context()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var ws []store.Write
	for i := range 100000 {
		r := hoststate.Record{ID: fmt.Sprintf("host-%05d", i), Provider: []string{"gcp", "nebius", "lambda", "hyperstack"}[i%4],
			Status: hoststate.StatusRunning, Address: "198.51.100.1", LastSeen: now, NextCheck: now.Add(time.Duration(i) * time.Second)}
		// Half the fleet off, without an address, as fleets are: the
		// planner must still find the few running hosts without one.
		switch {
		case i%2 == 0:
			r.Status, r.Address, r.LastSeen = hoststate.StatusOff, "", time.Time{}
		case i%997 == 1:
			r.Status = hoststate.StatusStarting
		case i%1009 == 1:
			r.PendingCount = 1
		}
		ws = append(ws, store.Write{Record: r})
		if len(ws) == 1000 {
			if _, err := s.UpdateBatch(ctx, ws); err != nil {
				t.Fatal(err)
			}
			ws = ws[:0]
		}
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE driftless_hosts"); err != nil {
		t.Fatal(err)
	}
	explain := func(sql string, args ...any) string {
		t.Helper()
		rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE) "+sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		return strings.Join(lines, "\n")
	}
	transitional := []hoststate.Status{hoststate.StatusStarting, hoststate.StatusStopping, hoststate.StatusRestarting,
		hoststate.StatusReprovisioning, hoststate.StatusDeprovisioning, hoststate.StatusError, hoststate.StatusUnknown}
	running := []hoststate.Status{hoststate.StatusRunning}
	for _, tc := range []struct {
		name  string
		f     store.Filter
		limit int
	}{
		{"transitional", store.Filter{Statuses: transitional}, 0},
		{"stale", store.Filter{Statuses: running, LastSeenBefore: now.Add(-time.Minute)}, 0},
		{"no address", store.Filter{Statuses: running, MissingAddress: true}, 0},
		{"confirming", store.Filter{Confirming: true}, 0},
		{"sweep page", store.Filter{After: "host-10000"}, 1000},
		{"provider page", store.Filter{Provider: "gcp", After: "host-10000"}, 1000},
	} {
		sql, args := s.ListSQL(tc.f, tc.limit)
		if plan := explain(sql, args...); strings.Contains(plan, "Seq Scan") || wasteful(plan) {
			t.Errorf("%s reads the whole table, or rows it drops:\n%s\n%s", tc.name, sql, plan)
		}
	}
	if plan := explain(s.DueSQL(), now.Add(time.Minute), nil); strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "driftless_hosts_due") {
		t.Errorf("Due does not read its index:\n%s", plan)
	}
}

// removed matches the rows a plan node read and dropped.
var removed = regexp.MustCompile(`Rows Removed by Filter: (\d+)`)

// wasteful reports whether a plan read more than 5000 rows it then
// dropped: an index that does not fit the query.
func wasteful(plan string) bool {
	for _, m := range removed.FindAllStringSubmatch(plan, -1) {
		if n, _ := strconv.Atoi(m[1]); n > 5000 {
			return true
		}
	}
	return false
}
