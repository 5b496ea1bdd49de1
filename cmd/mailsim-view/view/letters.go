package view

import (
	"math"
	"sort"
	"strings"
	"time"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// A letter is one message of the run, drawn on the map with its subject:
// it travels with the hops that carry its data (DATA, LMTP, RETR) and at
// rest shows where it is. Letters are built from the journeys (the
// world's step events and the hops tagged with a message id); nothing
// is re-derived from packets.

// Place says where a letter is at rest.
type Place int

// Places.
const (
	Outbox  Place = iota // on the sender's PC, not sent yet
	Queue                // in an SMTP server's queue
	Mailbox              // in a mailbox on the POP3 host
	Inbox                // downloaded to the recipient's PC
	Flying               // crossing a link
	Refused              // refused or bounced here: marked ✗, fading
	Leaving              // deleted from the server: fading
)

var placeNames = [...]string{"outbox", "queue", "mailbox", "inbox", "on its way", "refused", "deleted"}

func (p Place) String() string { return placeNames[p] }

// Journey is what the window knows of one message.
type Journey struct {
	ID      string // "M1"
	Subject string
	From    string
	To      []string
	Parent  string // a bounce: the message it reports on
	Steps   []LetterStep
}

// LetterStep is one step of a message's journey (servers/world's Step).
type LetterStep struct {
	At                     time.Duration
	Kind                   string // composed, submitted, relayed, mx, deferred, handed, stored, downloaded, left, deleted, refused, bounced
	Host, From, To, Detail string
	Text                   string // in plain words
}

// Spot is one letter drawn at the moment shown.
type Spot struct {
	J       *Journey
	Node    string // where it rests, or the hop's receiving end
	X, Y    float64
	Place   Place
	Retries int     // deferred attempts so far (in a queue)
	Box     string  // the mailbox of this copy ("bob"), once delivered
	Fade    float64 // 0 solid … 1 gone (Refused, Leaving)
	Up      bool    // flying towards the top of the map (for the arrow)
	Hop     *sim.Event
}

// Letters holds every message of the run and its events.
type Letters struct {
	List  []*Journey
	track map[string]*track
	topo  *Topology
	pcs   map[string]bool
	box   map[string]string // PC → the mailbox it reads ("bob")
}

type track struct {
	hops     []*sim.Event // hops carrying its data, by Depart
	sessions []session
}

// session is a transfer of the message (SMTP, LMTP, POP3): the letter
// travels its route for the whole conversation, from the connection's
// first segment to the arrival of its data, so it moves while the
// commands and replies that carry it go back and forth.
type session struct {
	from, to time.Duration
	route    []string // the nodes its data crossed
	conn     uint64
}

// Fade is how long (presentation time) a deleted letter takes to
// disappear; a refused or bounced one stays RefusedFade, while the
// bounce it caused sets off.
const (
	Fade        = 1500 * time.Millisecond
	RefusedFade = 5 * time.Second
)

func newLetters(m *Model) *Letters {
	ls := &Letters{track: map[string]*track{}, topo: m.Topo, pcs: map[string]bool{}, box: map[string]string{}}
	for _, pc := range m.Scenario.PCs {
		ls.box[pc.Host], _, _ = strings.Cut(pc.User, "@")
	}
	for _, h := range m.Scenario.Hosts {
		if h.Kind == scenario.KindPC {
			ls.pcs[h.Name] = true
		}
	}
	for _, j := range m.run.Journeys() {
		j := j
		ls.List = append(ls.List, &j)
		ls.track[j.ID] = &track{}
	}
	for _, e := range m.Log {
		if e.Msg == "" {
			continue
		}
		tr := ls.track[e.Msg]
		if tr == nil {
			continue
		}
		if e.Kind == sim.KindHop {
			tr.hops = append(tr.hops, e)
		}
	}
	first := map[uint64]time.Duration{} // conn → its first segment
	for _, e := range m.Log {
		if e.Kind == sim.KindHop && e.Proto == "tcp" {
			if _, ok := first[e.Conn]; !ok {
				first[e.Conn] = e.Depart
			}
		}
	}
	for _, tr := range ls.track {
		sort.SliceStable(tr.hops, func(i, j int) bool { return tr.hops[i].Depart < tr.hops[j].Depart })
		for _, h := range tr.hops {
			n := len(tr.sessions)
			if n > 0 && tr.sessions[n-1].conn == h.Conn {
				s := &tr.sessions[n-1]
				s.to = max(s.to, h.Arrive)
				if h.Hop == len(s.route) {
					s.route = append(s.route, h.To)
				}
				continue
			}
			start, ok := first[h.Conn]
			if !ok || h.Proto != "tcp" {
				start = h.Depart
			}
			tr.sessions = append(tr.sessions, session{from: start, to: h.Arrive, conn: h.Conn, route: []string{h.From, h.To}})
		}
	}
	return ls
}

// Subject is the subject of a message id, "" if unknown.
func (ls *Letters) Subject(id string) string {
	for _, j := range ls.List {
		if j.ID == id {
			return j.Subject
		}
	}
	return ""
}

// At appends to buf the spots of every letter at virtual time t; pace
// times the fading of deleted and refused letters.
func (ls *Letters) At(t time.Duration, pace *Pace, buf []Spot) []Spot {
	buf = buf[:0]
	if ls == nil {
		return buf
	}
	for _, j := range ls.List {
		buf = ls.spots(j, ls.track[j.ID], t, pace, buf)
	}
	return buf
}

func (ls *Letters) spots(j *Journey, tr *track, t time.Duration, pace *Pace, buf []Spot) []Spot {
	// The rest state: the steps at or before t.
	n := sort.Search(len(j.Steps), func(i int) bool { return j.Steps[i].At > t })
	if n == 0 && (len(tr.hops) == 0 || tr.hops[0].Depart > t) {
		return buf // not written yet
	}
	rest, node := Outbox, ""
	retries := 0
	var since time.Duration
	// After delivery a message is one copy per mailbox: on the server,
	// then downloaded to a PC too, then perhaps deleted from the server.
	type copyState struct {
		box, server, pc string
		onServer        bool
	}
	var copies []*copyState
	find := func(box string) *copyState {
		for _, c := range copies {
			if c.box == box {
				return c
			}
		}
		return nil
	}
	for _, s := range j.Steps[:n] {
		since = s.At
		switch s.Kind {
		case "composed":
			rest, node = Outbox, s.Host
		case "submitted", "relayed", "accepted", "mx", "retry":
			rest, node = Queue, s.Host
		case "deferred":
			rest, node = Queue, s.Host
			retries++
		case "handed":
			rest, node = Mailbox, s.Host
		case "stored":
			if find(s.Detail) == nil {
				copies = append(copies, &copyState{box: s.Detail, server: s.Host, onServer: true})
			}
		case "downloaded", "left", "deleted":
			pc := ls.pcOf(s.From, s.To)
			c := find(ls.box[pc])
			if c == nil {
				continue
			}
			c.pc = pc
			if s.Kind == "deleted" && c.onServer {
				c.onServer = false
				buf = ls.fading(buf, j, c.server, c.box, Leaving, pace, s.At, t)
			}
		case "refused":
			rest, node = Refused, s.From
			if s.From == "" {
				node = s.Host
			}
		case "bounced":
			rest, node = Refused, s.Host
		}
	}
	for _, c := range copies {
		if c.onServer {
			buf = ls.add(buf, Spot{J: j, Node: c.server, Place: Mailbox, Box: c.box})
		}
		if c.pc != "" {
			buf = ls.add(buf, Spot{J: j, Node: c.pc, Place: Inbox, Box: c.box})
		}
	}
	// On its way: in a session that carries it.
	for _, ss := range tr.sessions {
		if ss.from < t && t < ss.to {
			if sp, ok := ls.along(ss, t, pace); ok {
				sp.J = j
				return append(buf, sp)
			}
		}
	}
	h := sort.Search(len(tr.hops), func(i int) bool { return tr.hops[i].Depart > t })
	if len(copies) > 0 && rest != Refused {
		return buf
	}
	// Its data arrived somewhere after the last step (DATA reached the
	// server, the 250 reply is still to come): it rests there.
	if h > 0 && tr.hops[h-1].Arrive > since && tr.hops[h-1].Hop == tr.hops[h-1].Hops && len(copies) == 0 {
		node = tr.hops[h-1].To
		if rest == Outbox {
			rest = Queue
		}
	}
	if rest == Refused {
		return ls.fading(buf, j, node, "", Refused, pace, since, t)
	}
	return ls.add(buf, Spot{J: j, Node: node, Place: rest, Retries: retries})
}

func (ls *Letters) fading(buf []Spot, j *Journey, node, box string, p Place, pace *Pace, at, t time.Duration) []Spot {
	d := Fade
	if p == Refused {
		d = RefusedFade
	}
	f := float64(pace.P(t)-pace.P(at)) / float64(d)
	if f >= 1 || t-at > 10*time.Second { // gone; an idle stretch may be shown short
		return buf
	}
	return ls.add(buf, Spot{J: j, Node: node, Place: p, Box: box, Fade: max(0, f)})
}

func (ls *Letters) add(buf []Spot, s Spot) []Spot {
	n := ls.topo.Node(s.Node)
	if n == nil {
		return buf
	}
	s.X, s.Y = n.X, n.Y
	return append(buf, s)
}

// pcOf picks the PC of a transfer's two ends.
func (ls *Letters) pcOf(a, b string) string {
	if ls.pcs[b] && !ls.pcs[a] {
		return b
	}
	return a
}

// along places a letter on a session's route at virtual time t: the
// fraction of the session's presentation time gone by, along the route's
// length.
func (ls *Letters) along(ss session, t time.Duration, pace *Pace) (Spot, bool) {
	var pts []*Node
	for _, name := range ss.route {
		n := ls.topo.Node(name)
		if n == nil {
			return Spot{}, false
		}
		pts = append(pts, n)
	}
	total := 0.0
	for i := 1; i < len(pts); i++ {
		total += math.Hypot(pts[i].X-pts[i-1].X, pts[i].Y-pts[i-1].Y)
	}
	p0, p1 := pace.P(ss.from), pace.P(ss.to)
	f := 1.0
	if p1 > p0 {
		f = float64(pace.P(t)-p0) / float64(p1-p0)
	}
	d := f * total
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		l := math.Hypot(b.X-a.X, b.Y-a.Y)
		if d <= l || i == len(pts)-1 {
			g := 0.0
			if l > 0 {
				g = min(1, d/l)
			}
			return Spot{Node: b.Name, Place: Flying, Up: b.Y < a.Y, X: a.X + (b.X-a.X)*g, Y: a.Y + (b.Y-a.Y)*g}, true
		}
		d -= l
	}
	return Spot{}, false
}

// Underway is the sentence of a transfer in progress at t: the step that
// will end it ("Otherisp's SMTP server relays "Lunch?" to …"), so the
// story line says what the moving letter is doing.
func (ls *Letters) Underway(t time.Duration) (string, bool) {
	if ls == nil {
		return "", false
	}
	for _, j := range ls.List {
		for _, ss := range ls.track[j.ID].sessions {
			if ss.from < t && t < ss.to {
				for _, s := range j.Steps {
					if s.At >= t && s.Text != "" {
						return s.Text, true
					}
				}
			}
		}
	}
	return "", false
}
