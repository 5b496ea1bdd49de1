package sim

import (
	"strings"
	"testing"
	"time"
)

// A slow link (Delay, SetLinkBandwidth) holds each packet its extra time
// plus the transmission time at the new rate, in order, and the data
// still arrives whole.
func TestSlowLink(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	l := w.Link("r1", "r2")
	w.SetLinkBehaviours(l, Delay(300*time.Millisecond))
	w.SetLinkBandwidth(l, 64_000)
	var hops int
	last := map[string]time.Duration{}
	w.Subscribe(func(e *Event) {
		if e.Kind != KindHop || e.Link != l.Name {
			return
		}
		hops++
		// 20ms of latency, 300ms of delay, and the packet's bits at 64 kbit/s.
		tx := time.Duration(int64(40+len(e.Payload)) * 8 * int64(time.Second) / 64_000)
		if got := e.Arrive - e.Depart; got != 320*time.Millisecond+tx {
			t.Errorf("%s: %v on the link, want %v", e.From, got, 320*time.Millisecond+tx)
		}
		if e.Arrive < last[e.From] {
			t.Errorf("reordered from %s", e.From)
		}
		last[e.From] = e.Arrive
	})
	msg := strings.Repeat("slow ", 2000)
	if s := transfer(t, w, a, b, msg); s != msg {
		t.Errorf("received %d bytes, want %d", len(s), len(msg))
	}
	if hops == 0 {
		t.Error("nothing crossed the slow link")
	}
	// Back to normal: the link's own rate, no delay.
	w.SetLinkBehaviours(l)
	w.SetLinkBandwidth(l, 1_000_000_000)
	if l.Bandwidth != 1_000_000_000 {
		t.Errorf("bandwidth %d after restoring", l.Bandwidth)
	}
}
