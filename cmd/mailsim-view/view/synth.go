package view

import (
	"fmt"
	"net/netip"
	"sort"
	"time"

	"mailsim/sim"
)

// AddSynthetic puts n made-up SMTP segments in flight at time at, spread
// over every link, for load tests of the window (the --synth flag and
// the benchmarks); every other one carries a made-up letter. They are
// marked "synthetic" in their summary and are never part of a real
// run's log.
func (m *Model) AddSynthetic(n int, at time.Duration) {
	if len(m.Topo.Links) == 0 {
		return
	}
	src := netip.MustParseAddrPort("192.0.2.200:40000")
	dst := netip.MustParseAddrPort("192.0.2.201:25")
	for i := 0; i < n; i++ {
		l := m.Topo.Links[i%len(m.Topo.Links)]
		a, b := m.Topo.Nodes[l.A].Name, m.Topo.Nodes[l.B].Name
		if i/len(m.Topo.Links)%2 == 1 {
			a, b = b, a
		}
		// Spread departures so the segments sit at different places.
		dep := at - time.Duration(i%97)*time.Millisecond
		e := &sim.Event{Seq: uint64(1<<40 + i), Kind: sim.KindHop, Depart: dep, Arrive: dep + time.Second,
			Link: l.Name, From: a, To: b, Hop: 1, Hops: 1, Proto: "tcp", Src: src, Dst: dst, SrcHost: a, DstHost: b,
			Flags: sim.ACK | sim.PSH, Payload: []byte("synthetic\r\n"), Conn: uint64(1<<40 + i),
			Summary: fmt.Sprintf("synthetic segment %d", i)}
		if i%2 == 1 && m.letters != nil {
			e.Msg = fmt.Sprintf("S%d", i)
			j := &Journey{ID: e.Msg, Subject: fmt.Sprintf("Letter %d", i)}
			m.letters.List = append(m.letters.List, j)
			m.letters.track[j.ID] = &track{hops: []*sim.Event{e},
				sessions: []session{{from: dep, to: e.Arrive, route: []string{a, b}, conn: e.Conn}}}
		}
		m.Log = append(m.Log, e)
		m.maxTransit = max(m.maxTransit, e.Arrive-e.Depart)
	}
	// One sort, not an insertion per segment: the log holds the whole run.
	sort.SliceStable(m.Log, func(i, j int) bool { return m.Log[i].Depart < m.Log[j].Depart })
}
