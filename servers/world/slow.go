package world

import (
	"fmt"
	"strings"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// scheduleSlow makes a link slow at a.At and as built again a.Slow.For
// later: the extra latency is a Delay behaviour (routes keep counting the
// link's own), loss and jitter replace the link's, and the bandwidth is
// changed in place.
func (rt *Runtime) scheduleSlow(a *scenario.Action, name string) {
	w := rt.World
	var built scenario.Link
	for _, l := range rt.Scenario.Links {
		if (l.A == a.A && l.B == a.B) || (l.A == a.B && l.B == a.A) {
			built = l
		}
	}
	s := a.Slow
	slow := built
	slow.Loss, slow.Jitter = s.Loss, s.Jitter
	link := func() *sim.Link {
		l := w.Link(a.A, a.B)
		if l == nil {
			w.Note(fmt.Sprintf("%s: no link %s—%s", a.Pos, a.A, a.B))
		}
		return l
	}
	w.At(a.At, name, func() {
		l := link()
		if l == nil {
			return
		}
		bs := linkBehaviours(slow)
		if extra := s.Latency - built.Latency; extra > 0 {
			bs = append(bs, sim.Delay(extra))
		}
		w.SetLinkBehaviours(l, bs...)
		w.SetLinkBandwidth(l, s.Bandwidth)
		rt.journeys.action("", "", "", fmt.Sprintf("The link %s—%s turns slow for %s: %s", a.A, a.B, s.For, slowText(s)))
	})
	w.At(a.At+s.For, name+" ends", func() {
		l := link()
		if l == nil {
			return
		}
		// A Delay of 0 keeps the packets still held by the slow window
		// ahead of the ones sent after it: a link is a FIFO wire.
		w.SetLinkBehaviours(l, append(linkBehaviours(built), sim.Delay(0))...)
		w.SetLinkBandwidth(l, built.Bandwidth)
		rt.journeys.action("", "", "", fmt.Sprintf("The link %s—%s is as fast as built again", a.A, a.B))
	})
}

// slowText says what a slow window sets: "latency 400ms, 64 kbit/s, loss 5%".
func slowText(s *scenario.LinkSlow) string {
	parts := []string{"latency " + s.Latency.String(), bps(s.Bandwidth)}
	if s.Loss > 0 {
		parts = append(parts, fmt.Sprintf("loss %g%%", s.Loss))
	}
	if s.Jitter > 0 {
		parts = append(parts, "jitter "+s.Jitter.String())
	}
	return strings.Join(parts, ", ")
}

func bps(b int64) string {
	switch {
	case b <= 0:
		return "unlimited bandwidth"
	case b%1_000_000_000 == 0:
		return fmt.Sprintf("%d Gbit/s", b/1_000_000_000)
	case b%1_000_000 == 0:
		return fmt.Sprintf("%d Mbit/s", b/1_000_000)
	case b%1000 == 0:
		return fmt.Sprintf("%d kbit/s", b/1000)
	}
	return fmt.Sprintf("%d bit/s", b)
}
