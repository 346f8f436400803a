package fakes_test

import "time"

// epoch is when the tests' clocks start.
var epoch = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
