package view

import (
	"sort"

	"mailsim/sim"
)

// Flight is a segment on its way across a link at the moment shown.
type Flight struct {
	Ev    *sim.Event
	Proto Proto // by port, also for Control segments
	Ctl   bool  // carries no payload
	X, Y  float64
	Frac  float64 // 0 at departure, 1 at arrival
}

// InFlight appends to buf every visible hop with Depart ≤ T < Arrive, in
// log order, interpolated along its link. It looks only at the part of
// the log that can still be in flight, so its cost follows the number of
// segments in flight, not the length of the log.
func (m *Model) InFlight(buf []Flight) []Flight {
	buf = buf[:0]
	hi := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart > m.T })
	lo := sort.Search(hi, func(i int) bool { return m.Log[i].Depart >= m.T-m.maxTransit })
	for _, e := range m.Log[lo:hi] {
		if e.Kind != sim.KindHop || e.Arrive <= m.T || !m.visible(e) {
			continue
		}
		a, b := m.Topo.Node(e.From), m.Topo.Node(e.To)
		if a == nil || b == nil {
			continue
		}
		f := 1.0
		if d := e.Arrive - e.Depart; d > 0 {
			f = float64(m.T-e.Depart) / float64(d)
		}
		buf = append(buf, Flight{Ev: e, Proto: ByPort(e.Src.Port(), e.Dst.Port()), Ctl: Classify(e) == Control,
			X: a.X + (b.X-a.X)*f, Y: a.Y + (b.Y-a.Y)*f, Frac: f})
	}
	return buf
}
