package view

import (
	"container/heap"
	"sort"
	"time"

	"mailsim/sim"
)

// The window has two clocks. Virtual time is the simulation's;
// presentation time is what the student sees. Pace maps one to the
// other, monotonically and piecewise linearly. In real time,
// presentation = lead + virtual. In story pace every hop gets a minimum
// time on screen (hops that overlap in virtual time share it, so they
// overlap on screen too) and idle gaps shrink to IdleShow. Speed scales
// presentation time in both modes; the model advances presentation time
// by speed/TPS each tick and reads virtual time back through V.

// Story pace parameters, in presentation time at 1×.
const (
	// LetterHop is the least time one link crossing of a message's own
	// data (DATA, LMTP, RETR) stays on screen: the letter is the star.
	LetterHop = 600 * time.Millisecond
	// SegmentShow is the least time a command or reply takes over its
	// whole route; each of its N hops gets SegmentShow/N.
	SegmentShow = 500 * time.Millisecond
	// IdleMin is the longest quiet stretch shown as it is; longer ones
	// are compressed to IdleShow.
	IdleMin  = time.Second
	IdleShow = time.Second
	// Lead is the presentation time before virtual time 0 starts to move:
	// the title card is up.
	Lead = 2 * time.Second // the window opens paused on it, so it is read before this
)

// Need is a stretch of virtual time [From, To) that must last at least
// Show on screen.
type Need struct {
	From, To time.Duration
	Show     time.Duration
}

// Gap is an idle stretch of virtual time that story pace compresses.
type Gap struct{ From, To time.Duration }

// Pace maps virtual time to presentation time and back.
type Pace struct {
	vt, pt []time.Duration // knots: vt[i] ↦ pt[i], both increasing
	Gaps   []Gap           // the compressed stretches, in order
	Story  bool
}

// RealPace is presentation = Lead + virtual.
func RealPace() *Pace {
	return &Pace{vt: []time.Duration{0, 1 << 60}, pt: []time.Duration{Lead, Lead + 1<<60}}
}

// StoryPace builds the story-pace map of needs over [0, until].
func StoryPace(needs []Need, until time.Duration) *Pace {
	type edge struct {
		t     time.Duration
		start bool
		rate  float64
		id    int
	}
	var edges []edge
	for i, n := range needs {
		d := n.To - n.From
		if d <= 0 || n.From >= until {
			continue
		}
		r := max(1, float64(n.Show)/float64(d))
		edges = append(edges, edge{n.From, true, r, i}, edge{min(n.To, until), false, r, i})
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i].t < edges[j].t })
	p := &Pace{Story: true, vt: []time.Duration{0}, pt: []time.Duration{Lead}}
	active := &rateHeap{}
	gone := map[int]bool{}
	cur := time.Duration(0)
	advance := func(to time.Duration) {
		if to <= cur {
			return
		}
		for active.Len() > 0 && gone[(*active)[0].id] {
			heap.Pop(active)
		}
		d := to - cur
		show := d
		if active.Len() > 0 {
			show = time.Duration(float64(d) * (*active)[0].rate)
		} else if d > IdleMin {
			show = IdleShow
			p.Gaps = append(p.Gaps, Gap{cur, to})
		}
		p.add(to, p.pt[len(p.pt)-1]+show)
		cur = to
	}
	for _, e := range edges {
		advance(e.t)
		if e.start {
			heap.Push(active, rateItem{e.rate, e.id})
		} else {
			gone[e.id] = true
		}
	}
	advance(until)
	return p
}

// add appends a knot, merging it into the last segment when the rate is
// unchanged, so long runs of equal pace cost one knot.
func (p *Pace) add(v, t time.Duration) {
	n := len(p.vt)
	if n >= 2 {
		r0 := float64(p.pt[n-1]-p.pt[n-2]) / float64(p.vt[n-1]-p.vt[n-2])
		r1 := float64(t-p.pt[n-1]) / float64(v-p.vt[n-1])
		if r0 == r1 && !p.gapEndsAt(p.vt[n-1]) {
			p.vt[n-1], p.pt[n-1] = v, t
			return
		}
	}
	p.vt, p.pt = append(p.vt, v), append(p.pt, t)
}

func (p *Pace) gapEndsAt(v time.Duration) bool {
	return len(p.Gaps) > 0 && p.Gaps[len(p.Gaps)-1].To == v
}

// P is the presentation time of virtual time v.
func (p *Pace) P(v time.Duration) time.Duration {
	return interp(p.vt, p.pt, v)
}

// V is the virtual time shown at presentation time t; before Lead it is 0.
func (p *Pace) V(t time.Duration) time.Duration {
	return interp(p.pt, p.vt, t)
}

// Len is the presentation time of the end of the run (virtual until).
func (p *Pace) Len() time.Duration { return p.pt[len(p.pt)-1] }

// interp maps x through the knots xs ↦ ys, clamped at both ends.
func interp(xs, ys []time.Duration, x time.Duration) time.Duration {
	i := sort.Search(len(xs), func(i int) bool { return xs[i] > x })
	switch {
	case i == 0:
		return ys[0]
	case i == len(xs):
		return ys[len(ys)-1] + (x - xs[len(xs)-1]) // past the end: 1:1
	}
	x0, x1, y0, y1 := xs[i-1], xs[i], ys[i-1], ys[i]
	if x1 == x0 {
		return y1
	}
	return y0 + time.Duration(float64(y1-y0)*float64(x-x0)/float64(x1-x0))
}

// GapAt returns the compressed gap that ends at or just before v within
// window (so a caption can say "29 s later"), if any.
func (p *Pace) GapAt(v, window time.Duration) (Gap, bool) {
	i := sort.Search(len(p.Gaps), func(i int) bool { return p.Gaps[i].To > v })
	if i > 0 && v-p.Gaps[i-1].To <= window {
		return p.Gaps[i-1], true
	}
	if i < len(p.Gaps) && p.Gaps[i].From <= v {
		return p.Gaps[i], true
	}
	return Gap{}, false
}

// Needs lists what story pace must show long enough: every hop that
// carries a payload (a message's own data at LetterHop per hop, other
// segments at SegmentShow over their whole route) and every drop.
func Needs(log []*sim.Event) []Need {
	var out []Need
	for _, e := range log {
		switch {
		case e.Kind == sim.KindHop && len(e.Payload) > 0:
			show := SegmentShow / time.Duration(max(e.Hops, 1))
			if e.Msg != "" {
				show = LetterHop
			}
			out = append(out, Need{e.Depart, e.Arrive, show})
		case e.Kind == sim.KindHop && e.Flags&sim.RST != 0:
			out = append(out, Need{e.Depart, e.Arrive, SegmentShow / time.Duration(max(e.Hops, 1))})
		case e.Kind == sim.KindDrop:
			out = append(out, Need{e.Depart, e.Depart + time.Millisecond, SegmentShow})
		}
	}
	return out
}

type rateItem struct {
	rate float64
	id   int
}

// rateHeap is a max-heap of the rates of the needs active now.
type rateHeap []rateItem

func (h rateHeap) Len() int           { return len(h) }
func (h rateHeap) Less(i, j int) bool { return h[i].rate > h[j].rate }
func (h rateHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rateHeap) Push(x any)        { *h = append(*h, x.(rateItem)) }
func (h *rateHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
