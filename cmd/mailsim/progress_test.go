package main

import (
	"bytes"
	"io"
	"testing"

	"mailsim/servers/world"
	"mailsim/sim"
)

// Running in slices of virtual time, as the progress line does, gives
// the same trace as one run to the end.
func TestProgressSlicesKeepTheTrace(t *testing.T) {
	trace := func(run func(*world.Runtime) error, p *progress) []byte {
		sc, name, err := loadArg("server-down")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		tw := sim.NewJSONTrace(&buf, true)
		o := simulateWith(sc, name, world.Options{}, func(w *sim.World) {
			w.Subscribe(tw.Event)
			if p != nil {
				p.world = w
				w.WatchSteps(p.event)
			}
		}, run)
		if !o.passed() {
			t.Fatalf("run failed: %v %v", o.simErr, o.problems())
		}
		tw.Flush()
		return buf.Bytes()
	}
	whole := trace(runWorld, nil)
	p := &progress{w: io.Discard}
	sliced := trace(p.run, p)
	if !bytes.Equal(whole, sliced) {
		t.Fatalf("sliced run differs: %s", firstDiff(string(whole), string(sliced)))
	}
	if p.delivered != 1 || p.world.EventCount() == 0 {
		t.Errorf("progress counted %d delivered, %d events", p.delivered, p.world.EventCount())
	}
}

// Nothing is printed when stderr is not a terminal.
func TestProgressOnlyOnTerminals(t *testing.T) {
	if newProgress(&bytes.Buffer{}) != nil {
		t.Error("progress on a buffer")
	}
}
