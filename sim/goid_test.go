package sim

import (
	"runtime"
	"testing"
)

func TestGoid(t *testing.T) {
	if goid() != slowGoid() {
		t.Fatalf("goid %d, runtime.Stack says %d", goid(), slowGoid())
	}
	ch := make(chan [2]int64)
	go func() { ch <- [2]int64{goid(), slowGoid()} }()
	if got := <-ch; got[0] != got[1] || got[0] == goid() {
		t.Fatalf("other goroutine: goid %d, runtime.Stack says %d", got[0], got[1])
	}
	// The slow path parses runtime.Stack, ~1000× slower (2 ns vs 3 µs), and the
	// kernel asks for the id on every sim primitive: on the architectures
	// with a getg, losing the fast path (a runtime change moved the id,
	// say) must fail loudly, not slow every run down.
	if arch := runtime.GOARCH; (arch == "amd64" || arch == "arm64") && !goidFast() {
		t.Fatalf("goid fast path inactive on %s: goid id not found in the runtime's g", arch)
	}
}
