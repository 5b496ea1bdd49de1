package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// tuneRuntime runs the simulation on one processor: its kernel hands
// control to one goroutine at a time, so a second processor only adds
// cross-thread wake-ups (the classroom and scale runs take about a third
// longer with two). GOMAXPROCS in the environment wins.
func tuneRuntime() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	tuneGC()
}

// tuneGC trades memory for speed: a large run allocates a few small
// objects per simulated segment, and with Go's default GOGC the
// collector takes a fifth of the CPU. A soft memory limit keeps the heap
// well under 1 GiB all the same. GOGC or GOMEMLIMIT in the environment
// win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}
