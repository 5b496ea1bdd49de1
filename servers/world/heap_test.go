//go:build !race

// The race detector changes what is allocated; heap figures mean
// nothing under it.

package world

import (
	"runtime"
	"testing"
)

// The window rebuilds the world on every restart, rewind and reload. A
// hundred classroom runs, each closed, must leave the heap where ten
// left it: before Close existed every run kept about 8.6 MiB (52
// goroutines parked on the finished world).
func TestHeapFlatOverRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("100 classroom runs")
	}
	sc := load(t, "classroom.yaml")
	var after10 uint64
	for i := 1; i <= 100; i++ {
		rt, err := Build(sc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.Run(); err != nil {
			t.Fatal(err)
		}
		if err := rt.Close(); err != nil {
			t.Fatal(err)
		}
		if i == 10 || i == 100 {
			heap := heapInuse()
			if i == 10 {
				after10 = heap
				continue
			}
			t.Logf("heap in use after 10 runs %.2f MiB, after 100 %.2f MiB", mib(after10), mib(heap))
			if heap > after10+2<<20 {
				t.Errorf("heap grew from %.2f MiB after 10 runs to %.2f MiB after 100", mib(after10), mib(heap))
			}
		}
	}
}

func heapInuse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC() // the first may leave finalizer-held objects for the second
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
