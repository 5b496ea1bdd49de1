package sim

import (
	"runtime"
	"testing"
	"time"
)

// TestGoAfter checks that GoAfter starts its function at the virtual
// time asked, with no goroutine of it waiting before, and that a closed
// world never starts it.
func TestGoAfter(t *testing.T) {
	w, client, _ := twoISPs(t, 1)
	if err := w.RunUntil(time.Second); err != nil {
		t.Fatal(err)
	}
	var at []time.Duration
	for _, d := range []time.Duration{3 * time.Minute, time.Minute, 0} {
		client.GoAfter(d, "later", func() { at = append(at, w.Now()) })
	}
	if err := w.RunUntil(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for range 200 {
		client.GoAfter(time.Hour, "much later", func() { t.Error("started in a closed world") })
	}
	// Fewer is possible: a goroutine of another test, or of the runtime,
	// may end meanwhile (seen once under -race).
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("200 waiting functions: %d goroutines, %d before", n, before)
	}
	if err := w.RunUntil(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Second, time.Second + time.Minute, time.Second + 3*time.Minute}
	if len(at) != len(want) {
		t.Fatalf("started at %v, want %v", at, want)
	}
	for i := range want {
		if at[i] != want[i] {
			t.Errorf("started at %v, want %v", at, want)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
