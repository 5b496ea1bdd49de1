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

// gcPercent trades memory for speed. The simulation runs on one
// processor, so a collection's mark phase shares it with the run and
// lasts long; what the run allocates meanwhile survives that cycle. At a
// fixed GOGC the collector's share of the CPU stays the same however
// large the world (its work per byte allocated is 100/GOGC), so cost
// grows with the work and no faster; a pace that fell as the live heap
// grew (once 200 falling to 100 past 256 MiB) made a 10x world cost
// more per event than a 1x one. 230 keeps the 1x load near 285 MiB of
// RSS (its live heap peaks near 85 MiB) and costs 3-5% less time than
// 170, side by side. Past gcRoomy of live heap the pace falls, never
// under 100, so the headroom stays near 1.6 GiB: the 10x load passes
// gcRoomy only near its end (733-740 MiB live) and peaks at 2.2-2.6 GB
// of RSS, under the 3 GB it must stay below.
const (
	gcPercent = 230
	gcRoomy   = 712 << 20 // gcPercent% of it is 1.6 GiB
)

// gcPace is the GOGC for a live heap: gcPercent up to gcRoomy, then
// what keeps the headroom near gcPercent% of gcRoomy, never under 100.
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
