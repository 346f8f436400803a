package main

import (
	"fmt"
	"strings"
	"time"
)

// markdown renders the rows as a markdown table.
func markdown(rows []row, n int, seed uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Detection lag after the provider reaches the target (simulated seconds: mean / p95 / max) and provider calls per wait (mean), over %d seeded timelines per row (seed %d).\n\n", n, seed)
	b.WriteString("| provider action | duration | waiter waits by | waiter lag | waiter calls | fixed 5 s lag | fixed 5 s calls | doubling 0.1→10 s lag | doubling calls |\n")
	b.WriteString("|---|---|---|---|---:|---|---:|---|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.1f | %s | %.1f | %s | %.1f |\n",
			r.sc.label(), r.sc.rangeLabel(), r.how,
			lagCell(r.waiter), r.waiter.meanCalls,
			lagCell(r.fixed), r.fixed.meanCalls,
			lagCell(r.doubling), r.doubling.meanCalls)
	}
	return b.String()
}

func lagCell(s stats) string {
	return fmt.Sprintf("%s / %s / %s", secs(s.meanLag), secs(s.p95Lag), secs(s.maxLag))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }
