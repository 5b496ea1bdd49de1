package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
)

// restartStats accumulate the --bench-restarts measurement.
type restartStats struct {
	done        int
	rss1, heap1 uint64 // after the first restart
	gor1        int
}

// benchRestart is one frame of --bench-restarts: the world runs to its
// end and is rebuilt, as the R key does. After the last one it prints the
// process's RSS and the Go heap, after the first restart and now.
func (g *Game) benchRestart() error {
	g.m.Seek(g.m.Until())
	g.m.Restart()
	if g.m.Err != nil {
		g.exitErr = g.m.Err
		return ebiten.Termination
	}
	st := &g.restarts
	st.done++
	if st.done == 1 || st.done == g.opts.benchRestarts {
		rss, heap := memory()
		if st.done == 1 {
			st.rss1, st.heap1, st.gor1 = rss, heap, runtime.NumGoroutine()
		}
		if st.done < g.opts.benchRestarts {
			return nil
		}
		fmt.Printf("restarts %d  rss %.1f → %.1f MiB  heap in use %.1f → %.1f MiB  goroutines %d → %d\n",
			st.done, mib(st.rss1), mib(rss), mib(st.heap1), mib(heap), st.gor1, runtime.NumGoroutine())
		return ebiten.Termination
	}
	return nil
}

// memory is the resident set size (0 where /proc is missing) and the Go
// heap in use, after a collection that returns what it can to the OS.
func memory() (rss, heap uint64) {
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, m.HeapInuse
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			rss = kb << 10
		}
	}
	return rss, m.HeapInuse
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
