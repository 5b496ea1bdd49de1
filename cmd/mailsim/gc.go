package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// tuneRuntime runs the simulation on one processor: its kernel hands
// control to one goroutine at a time, so a second processor only adds
// cross-thread wake-ups (the classroom and scale runs take about a third
// longer with two). GOMAXPROCS in the environment wins. mailsim test -j
// raises it again to run scenarios side by side.
func tuneRuntime() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	tuneGC()
}

// gcPercent trades memory for speed: a large run allocates a few small
// objects per simulated segment, and with Go's default of 100 the
// collector takes a fifth of the CPU. At 200 the heap peaks near three
// times the live state, so memory follows the size of the world rather
// than a fixed figure (a fixed 768 MiB soft limit once made a run whose
// live state neared it collect back to back). Past gcRoomy of live
// heap, the pace falls towards 100 (gcPace), so a very large world
// peaks near twice its live state instead.
const (
	gcPercent = 200
	gcRoomy   = 256 << 20
)

// gcPace is the GOGC for a live heap: gcPercent up to gcRoomy, then
// what keeps the headroom near 2×gcRoomy, never under 100.
func gcPace(live uint64) int {
	if live <= gcRoomy {
		return gcPercent
	}
	return max(100, int(uint64(gcPercent)*gcRoomy/live)/10*10)
}

// tuneGC sets the collector's pace and, when the machine (a cgroup, as
// in a container or a CI job) caps memory, a soft limit under that cap
// so the collector works harder before the process is killed. GOGC and
// GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		lastPace.Store(gcPercent)
		adaptGC.Store(true)
		watchHeap()
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if capBytes := cgroupMemoryCap(); capBytes > 0 {
			debug.SetMemoryLimit(capBytes / 10 * 9)
		}
	}
}

// cgroupMemoryCap reads the memory cap of the process's cgroup (v2, then
// v1); 0 when there is none.
func cgroupMemoryCap() int64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 { // "max", or v1's "no limit"
			return 0
		}
		return n
	}
	return 0
}
