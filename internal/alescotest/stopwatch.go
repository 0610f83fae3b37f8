package alescotest

import "time"

// Stopwatch starts measuring wall-clock time; the function it returns
// gives the time elapsed since. For figures a test logs or compares with
// another measured figure (when a write was acknowledged, when the process
// was killed), never for a date the code under test sees.
func Stopwatch() func() time.Duration {
	start := time.Now()
	return func() time.Duration { return time.Since(start) }
}
