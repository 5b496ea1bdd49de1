package sim

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A datagram to a port nobody listens on is answered with ICMP port
// unreachable: the trace shows it, and the connected socket that sent
// it fails its read with ECONNREFUSED at once instead of timing out.
func TestICMPPortUnreachable(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	var lines []string
	w.Subscribe(func(e *Event) { lines = append(lines, TextLine(e)) })
	var err error
	var at time.Duration
	run(t, w, a, func() {
		c, derr := a.Dial(context.Background(), "udp", b.Addr().String()+":53")
		if derr != nil {
			err = derr
			return
		}
		c.Write([]byte("query"))
		_, err = c.Read(make([]byte, 512))
		at = w.Now()
	})
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("read after port unreachable: %v, want ECONNREFUSED", err)
	}
	if at > time.Second {
		t.Errorf("the refusal came at %v, want one round trip", at)
	}
	trace := strings.Join(lines, "\n")
	if !strings.Contains(trace, "icmp 203.0.113.25 → 198.51.100.10 len=28  port 53 unreachable (udp 198.51.100.10:") {
		t.Errorf("no ICMP in the trace:\n%s", trace)
	}
}

// Loss drops segments on a link (DROP in the trace, naming the
// behaviour), TCP sends them again, and the stream arrives whole. Jitter
// never reorders a direction. Same seed, same trace.
func TestLossAndJitter(t *testing.T) {
	trace := func() (string, string, int) {
		w, a, b := twoISPs(t, 3)
		w.SetLinkBehaviours(w.Link("r1", "r2"), Loss(0.3), Jitter(30*time.Millisecond))
		var lines []string
		drops := 0
		last := map[string]time.Duration{}
		w.Subscribe(func(e *Event) {
			lines = append(lines, TextLine(e))
			if e.Kind == KindDrop && strings.Contains(e.Text, "(loss 30%)") {
				drops++
			}
			if e.Kind == KindHop && e.Link == "r1—r2" {
				if e.Arrive < last[e.From] {
					t.Errorf("jitter reordered %s: arrives %v before %v", e.From, e.Arrive, last[e.From])
				}
				last[e.From] = e.Arrive
			}
		})
		msg := strings.Repeat("0123456789", 2000)
		switch s := transfer(t, w, a, b, msg); {
		case s == "":
			t.Error("the server received nothing")
		case s != msg:
			t.Errorf("received %d bytes, want %d", len(s), len(msg))
		}
		return strings.Join(lines, "\n"), msg, drops
	}
	t1, _, drops := trace()
	t2, _, _ := trace()
	if drops == 0 {
		t.Error("no segment was lost at 30% loss")
	}
	if t1 != t2 {
		t.Error("two runs with one seed differ")
	}
}
