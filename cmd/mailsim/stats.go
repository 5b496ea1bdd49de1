package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// runStats is what one run cost: the events it produced and the
// process's peak memory. The benchmarks read it through MAILSIM_STATS.
type runStats struct {
	Events   uint64
	Wall     time.Duration
	UserCPU  time.Duration
	PeakHeap uint64 // largest live heap seen after a collection, bytes
	PeakRSS  uint64 // the process's peak resident set (VmHWM), bytes
	Alloc    uint64 // bytes allocated on the heap, all run long
}

// envStats is a hidden developer variable, like MAILSIM_CPUPROFILE:
// MAILSIM_STATS=FILE (or "-" for stderr) writes one line of run
// statistics when mailsim run ends.
const envStats = "MAILSIM_STATS"

// String is the one-line form: "2134567 events in 8.1s (263k/s), ...".
func (s runStats) String() string {
	rate := 0.0
	if s.Wall > 0 {
		rate = float64(s.Events) / s.Wall.Seconds()
	}
	return fmt.Sprintf("events=%d wall=%.2fs user=%.2fs events/s=%.0f peak-heap=%dMiB peak-rss=%dMiB alloc=%dMiB",
		s.Events, s.Wall.Seconds(), s.UserCPU.Seconds(), rate, s.PeakHeap>>20, s.PeakRSS>>20, s.Alloc>>20)
}

// writeStats writes the run's statistics where MAILSIM_STATS says, if
// anywhere; only then are they gathered (rusage, /proc, metrics).
func writeStats(stats func() runStats, stderr io.Writer) {
	path := os.Getenv(envStats)
	if path == "" {
		return
	}
	s := stats()
	if path == "-" {
		fmt.Fprintf(stderr, "mailsim: %s\n", s)
		return
	}
	if err := os.WriteFile(path, []byte(s.String()+"\n"), 0o644); err != nil {
		fmt.Fprintf(stderr, "mailsim: %s: %v\n", envStats, err)
	}
}

// heapWatch records the largest live heap: after every collection a
// finalizer samples /gc/heap/live:bytes and re-arms itself. It costs
// nothing between collections.
var heapWatch struct {
	once sync.Once
	peak atomic.Uint64
}

type gcSentinel struct{ _ [16]byte }

func watchHeap() {
	heapWatch.once.Do(func() { armHeapWatch() })
}

func armHeapWatch() {
	s := &gcSentinel{}
	runtime.SetFinalizer(s, func(*gcSentinel) {
		live, _ := sampleHeap()
		if adaptGC.Load() {
			pace(live)
		}
		if f := onPeak.Load(); f != nil {
			(*f)(live)
		}
		armHeapWatch()
	})
}

// onPeak, when set, hears the live heap after every collection
// (MAILSIM_MEMPROFILE).
var onPeak atomic.Pointer[func(uint64)]

// adaptGC says whether the collector's pace follows the live heap
// (gc.go); set unless GOGC is given.
var adaptGC atomic.Bool

// lastPace is the GOGC last set by pace.
var lastPace atomic.Int64

// pace sets GOGC for the live heap just measured, when it changes.
func pace(live uint64) {
	if p := int64(gcPace(live)); lastPace.Swap(p) != p {
		debug.SetGCPercent(int(p))
	}
}

// sampleHeap reads the live heap of the last collection and returns it
// with the peak so far.
func sampleHeap() (live, peak uint64) {
	v, ok := metric("/gc/heap/live:bytes")
	if !ok {
		return 0, heapWatch.peak.Load()
	}
	for {
		old := heapWatch.peak.Load()
		if v <= old || heapWatch.peak.CompareAndSwap(old, v) {
			return v, max(v, old)
		}
	}
}

// metric reads one runtime metric that is a count.
func metric(name string) (uint64, bool) {
	m := []metrics.Sample{{Name: name}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return m[0].Value.Uint64(), true
}

// allocated is what the process has allocated on the heap so far.
func allocated() uint64 {
	n, _ := metric("/gc/heap/allocs:bytes")
	return n
}

// peakHeap is the largest live heap seen so far.
func peakHeap() uint64 {
	_, peak := sampleHeap()
	return peak
}

// cost is the summary's line of what the run cost: "2216122 events in
// 8.1s (273k events/s), peak heap 131 MiB".
func (o *outcome) cost() string {
	rate := 0.0
	if o.wall > 0 {
		rate = float64(o.events) / o.wall.Seconds()
	}
	wall := o.wall.Round(100 * time.Millisecond).String()
	if o.wall < time.Second {
		wall = o.wall.Round(time.Millisecond).String()
	}
	heap := peakHeap()
	if heap == 0 { // no collection yet: what the heap holds, garbage too
		heap, _ = metric("/memory/classes/heap/objects:bytes")
	}
	return fmt.Sprintf("%d events in %s (%.0fk events/s), peak heap %.1f MiB", o.events, wall, rate/1000, float64(heap)/(1<<20))
}

// stats is what o cost, with the process's figures so far.
func (o *outcome) stats() runStats {
	return runStats{Events: o.events, Wall: o.wall, UserCPU: userCPU(), PeakHeap: peakHeap(), PeakRSS: peakRSS(), Alloc: allocated()}
}
