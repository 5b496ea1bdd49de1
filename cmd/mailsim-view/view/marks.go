package view

import (
	"sort"
	"strings"
	"time"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// Down is what the timeline has stopped at a moment: services on hosts
// and links, for the map's marks.
type Down struct {
	Services map[string][]string // host → stopped services ("SMTP")
	Links    map[string]bool     // link names ("a—b") that are down
}

// DownAt replays the scenario's stop/start and link actions up to t.
func (m *Model) DownAt(t time.Duration) Down {
	d := Down{Services: map[string][]string{}, Links: map[string]bool{}}
	for _, a := range m.Scenario.Timeline {
		if a.At > t {
			break
		}
		switch a.Kind {
		case scenario.ActStop, scenario.ActStart:
			for _, s := range a.Services {
				name := strings.ToUpper(string(s))
				cur := d.Services[a.Host]
				out := cur[:0:0]
				for _, x := range cur {
					if x != name {
						out = append(out, x)
					}
				}
				if a.Kind == scenario.ActStop {
					out = append(out, name)
				}
				d.Services[a.Host] = out
			}
		case scenario.ActLinkDown:
			d.Links[a.A+"—"+a.B], d.Links[a.B+"—"+a.A] = true, true
		case scenario.ActLinkUp:
			delete(d.Links, a.A+"—"+a.B)
			delete(d.Links, a.B+"—"+a.A)
		}
	}
	for h, s := range d.Services {
		if len(s) == 0 {
			delete(d.Services, h)
		}
	}
	return d
}

// Refusal is a refused or reset connection: a RST arriving at a host.
type Refusal struct {
	Node string
	Fade float64 // 0 just now … 1 gone
}

// Refusals lists the RST segments that arrived at a host within the
// last Fade of presentation time: the map marks them ✗.
func (m *Model) Refusals(buf []Refusal) []Refusal {
	buf = buf[:0]
	p := m.Pace.P(m.T)
	from := m.Pace.V(p - Fade)
	lo := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart >= from-m.maxTransit })
	for _, e := range m.Log[lo:] {
		if e.Depart > m.T {
			break
		}
		if e.Kind != sim.KindHop || e.Flags&sim.RST == 0 || e.Hop != e.Hops || e.Arrive > m.T || e.Arrive < from {
			continue
		}
		buf = append(buf, Refusal{Node: e.To, Fade: float64(p-m.Pace.P(e.Arrive)) / float64(Fade)})
	}
	return buf
}
