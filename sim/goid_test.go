package sim

import "testing"

func TestGoid(t *testing.T) {
	if goid() != slowGoid() {
		t.Fatalf("goid %d, runtime.Stack says %d", goid(), slowGoid())
	}
	ch := make(chan [2]int64)
	go func() { ch <- [2]int64{goid(), slowGoid()} }()
	if got := <-ch; got[0] != got[1] || got[0] == goid() {
		t.Fatalf("other goroutine: goid %d, runtime.Stack says %d", got[0], got[1])
	}
	t.Logf("goid offset %d", goidOffset)
}
