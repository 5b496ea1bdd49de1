package view

import (
	"math"
	"strings"
	"testing"
	"time"

	"mailsim/servers/service"
	"mailsim/sim"
)

// allCaptions runs a library scenario to its end and returns every
// caption its events get, one per line.
func allCaptions(t *testing.T, name string) string {
	t.Helper()
	m := newModel(t, name)
	m.Seek(m.Until())
	var got []string
	for _, e := range m.Log {
		if c := m.Cast.Caption(e); c != "" {
			got = append(got, c)
		}
	}
	return strings.Join(got, "\n")
}

// The seed story, told by the captions of a real run of figure B.
func TestCaptionsTellTheStory(t *testing.T) {
	all := allCaptions(t, "figure-b.yaml")
	for _, want := range []string{
		"Lisa's mail program opens a TCP connection to otherisp's SMTP server on port 25 (SYN).",
		"Lisa's mail program hands the message to otherisp's SMTP server on TCP port 25 (from lisa@otherisp.com).",
		"Lisa's mail program names the recipient: bob@comentum.com.",
		"otherisp's SMTP server asks DNS: which server takes mail for comentum.com?",
		"otherisp's DNS server asks the root DNS server: which server takes mail for comentum.com?",
		"The root DNS server does not know, but refers the question to ns.comentum.com, which knows comentum.com.",
		"comentum's DNS server answers: mail for comentum.com goes to smtp.comentum.com.",
		"otherisp's SMTP server relays the message to comentum's SMTP server on TCP port 25 (from lisa@otherisp.com).",
		"comentum's SMTP server hands the message to comentum's POP3 server over LMTP on TCP port 24 (from lisa@otherisp.com).",
		"Bob's mail program logs in to comentum's POP3 server on TCP port 110 (USER bob).",
		"Bob's mail program downloads message 1 over port 110.",
		"Bob's mail program deletes message 1 from the server.",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no caption %q in:\n%s", want, all)
		}
	}
}

// Caption is a pure function of the event: a table of hand-made events.
func TestCaptionTable(t *testing.T) {
	sc := loadScenario(t, "figure-b.yaml")
	c := NewCast(sc)
	ev := func(src, dst, sport, dport, summary string, payload string) *sim.Event {
		e := &sim.Event{Kind: sim.KindHop, Hop: 1, Proto: "tcp", SrcHost: src, DstHost: dst, Summary: summary, Payload: []byte(payload), Flags: sim.ACK | sim.PSH}
		e.Src = mustAP("10.0.0.1:" + sport)
		e.Dst = mustAP("10.0.0.2:" + dport)
		return e
	}
	for _, tc := range []struct {
		e    *sim.Event
		want string
	}{
		{ev("lisa-pc", "smtp.otherisp.com", "49152", "25", "QUIT", "QUIT\r\n"), "Lisa's mail program says goodbye (QUIT)."},
		{ev("smtp.comentum.com", "smtp.otherisp.com", "25", "49153", "550 5.1.1 no such user", "550 5.1.1 no such user\r\n"), "comentum's SMTP server refuses: no such mailbox or not allowed (550 5.1.1 no such user)."},
		{ev("pop3.comentum.com", "bob-pc", "110", "49152", "+OK 2 messages", "+OK 2 messages\r\n"), "comentum's POP3 server answers: +OK 2 messages"},
		{ev("bob-pc", "pop3.comentum.com", "49152", "110", "STAT", "STAT\r\n"), "Bob's mail program asks how many messages are waiting."},
		{ev("ns.otherisp.com", "smtp.otherisp.com", "53", "49152", "NXDOMAIN nosuch.example", "x"), "otherisp's DNS server answers: nosuch.example does not exist."},
		{&sim.Event{Kind: sim.KindNote, Host: "smtp.otherisp.com", Text: "deferred 0D5A4C2735: connect to …"}, ""}, // log lines are never captions
		{&sim.Event{Kind: sim.KindNote, Text: "link a—b is down"}, "link a—b is down"},
		{&sim.Event{Kind: sim.KindHop, Hop: 2, Proto: "tcp"}, ""},
	} {
		if got := c.Caption(tc.e); got != tc.want {
			t.Errorf("Caption(%q) = %q, want %q", tc.e.Summary, got, tc.want)
		}
	}
}

func TestInFlightInterpolates(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	m.Seek(m.Until())
	var hop *sim.Event
	for _, e := range m.Log {
		if e.Kind == sim.KindHop && strings.HasPrefix(e.Summary, "RCPT TO:") && e.Hop == 1 {
			hop = e
			break
		}
	}
	if hop == nil {
		t.Fatal("no RCPT TO hop in the log")
	}
	m.Seek(hop.Depart + (hop.Arrive-hop.Depart)/2) // back: the view moves, the world does not
	if m.W != m.Until() {
		t.Fatalf("seeking back ran the world: W = %v", m.W)
	}
	fl := m.InFlight(nil)
	var f *Flight
	for i := range fl {
		if fl[i].Ev == hop {
			f = &fl[i]
		}
	}
	if f == nil {
		t.Fatalf("RCPT TO not in flight at %v: %d flights", m.T, len(fl))
	}
	a, b := m.Topo.Node(hop.From), m.Topo.Node(hop.To)
	if f.Proto != ProtoOf(service.SMTP) || math.Abs(f.Frac-0.5) > 0.01 || math.Abs(f.X-(a.X+b.X)/2) > 1 || math.Abs(f.Y-(a.Y+b.Y)/2) > 1 {
		t.Errorf("flight %+v, want SMTP halfway between %s and %s", *f, a.Name, b.Name)
	}
	// Filtering SMTP out hides it.
	m.Filter[ProtoOf(service.SMTP)] = false
	for _, x := range m.InFlight(nil) {
		if x.Ev == hop {
			t.Error("filtered protocol still in flight")
		}
	}
}

func TestTranscriptAndRows(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	m.Seek(40 * time.Second)
	var retr *sim.Event
	for _, e := range m.Log {
		if e.Kind == sim.KindHop && e.Summary == "RETR 1" && e.Hop == 1 {
			retr = e
		}
	}
	if retr == nil {
		t.Fatal("no RETR 1")
	}
	m.Select(retr)
	var lines []string
	for _, l := range m.Transcript(200) {
		p := "S: "
		if l.Client {
			p = "C: "
		}
		lines = append(lines, p+l.Text)
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{"S: +OK pop3.comentum.com POP3 server ready", "C: USER bob", "C: RETR 1", "S: Subject: Lunch?", "C: DELE 1", "C: QUIT"} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
	rows := m.Rows(1000, 0)
	for _, e := range rows {
		if e.Kind == sim.KindHop && (e.Hop != 1 || len(e.Payload) == 0) {
			t.Fatalf("row %q: hop %d, %d bytes; want only first hops with payload", e.Summary, e.Hop, len(e.Payload))
		}
	}
	m.ShowControl = true
	if len(m.Rows(1000, 0)) <= len(rows) {
		t.Error("T (show handshakes) adds no rows")
	}
}

func TestStepAndRestartAreDeterministic(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	var times []time.Duration
	for i := 0; i < 8; i++ {
		m.StepEvent()
		times = append(times, m.T)
	}
	for i := 1; i < len(times); i++ {
		if times[i] < times[i-1] {
			t.Fatalf("step went back: %v", times)
		}
	}
	n := len(m.Log)
	m.StepBack()
	if m.T != times[6] {
		t.Errorf("StepBack: T = %v, want %v", m.T, times[6])
	}
	m.Restart()
	if m.T != 0 || m.P != 0 || len(m.Log) != n {
		t.Fatalf("restart: T %v, P %v, log %d, first run had %d", m.T, m.P, len(m.Log), n)
	}
	m.Seek(times[7])
	// In real time, playing advances virtual time by speed/TPS per tick.
	m.ToggleStory()
	m.Playing = true
	t0 := m.T
	m.Tick()
	if want := t0 + time.Second/TPS; m.T != want {
		t.Errorf("one tick at 1×: T = %v, want %v", m.T, want)
	}
}

func TestInspectAfterScrubBack(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	m.Seek(m.Until())
	m.Node = "bob-pc"
	if got := strings.Join(m.Inspect(), "\n"); !strings.Contains(got, `"Lunch?"`) {
		t.Errorf("bob-pc at the end has not downloaded Lunch?:\n%s", got)
	}
	m.Seek(10 * time.Second) // before Bob checks mail: rebuilt and replayed
	m.Node = "pop3.comentum.com"
	if got := strings.Join(m.Inspect(), "\n"); !strings.Contains(got, "mailbox bob: 1 message(s)") {
		t.Errorf("POP3 server at 10s:\n%s", got)
	}
	if now := m.Sync().World().Now(); now != 10*time.Second {
		t.Errorf("the inspector's run is at %v, want 10s", now)
	}
}

func TestLayout(t *testing.T) {
	for _, name := range []string{"figure-b.yaml", "relay-denied.yaml", "classroom.yaml"} {
		sc := loadScenario(t, name)
		a, b := NewTopology(sc), NewTopology(sc)
		for i := range a.Nodes {
			if a.Nodes[i].Name != b.Nodes[i].Name || (a.Nodes[i].X != b.Nodes[i].X || a.Nodes[i].Y != b.Nodes[i].Y) {
				t.Fatalf("%s: layout not deterministic at %s", name, a.Nodes[i].Name)
			}
		}
		for i, r := range a.Regions {
			for _, o := range a.Regions[i+1:] {
				if r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H {
					t.Errorf("%s: regions %s and %s overlap", name, r.ISP, o.ISP)
				}
			}
		}
		// Every ISP node inside its region; no two nodes on one spot.
		seen := map[[2]int]string{}
		for _, n := range a.Nodes {
			k := [2]int{int(n.X), int(n.Y)}
			if o, dup := seen[k]; dup {
				t.Errorf("%s: %s and %s at the same place", name, n.Name, o)
			}
			seen[k] = n.Name
			for _, r := range a.Regions {
				if r.ISP == n.ISP && !(Rect{r.X, r.Y, r.W, r.H}).Contains(n.X, n.Y) {
					t.Errorf("%s: %s outside its region", name, n.Name)
				}
			}
		}
		if i := a.NodeAt(a.Nodes[3].X+3, a.Nodes[3].Y-2); i != 3 {
			t.Errorf("%s: NodeAt near node 3 = %d", name, i)
		}
	}
}

func TestCamera(t *testing.T) {
	var c Camera
	c.Fit(Rect{-100, -50, 200, 100}, Rect{0, 30, 800, 600})
	if x, y := c.ToScreen(0, 0); x != 400 || y != 330 {
		t.Errorf("centre at %v,%v", x, y)
	}
	wx, wy := c.ToWorld(123, 456)
	c.ZoomAt(2, 123, 456)
	if x, y := c.ToScreen(wx, wy); math.Abs(x-123) > 1e-9 || math.Abs(y-456) > 1e-9 {
		t.Errorf("zoom moved the point under the cursor to %v,%v", x, y)
	}
	c.Zoom = 100
	c.ZoomAt(10, 0, 0)
	if c.Zoom != MaxZoom {
		t.Errorf("zoom %v not clamped", c.Zoom)
	}
}

func TestSpriteShapes(t *testing.T) {
	for p := Proto(0); int(p) < NumProto; p++ {
		img := Sprite(p, 26, 18)
		opaque := 0
		for i := 3; i < len(img.Pix); i += 4 {
			if img.Pix[i] > 128 {
				opaque++
			}
		}
		if opaque < 20 {
			t.Errorf("%s sprite nearly empty (%d pixels)", p, opaque)
		}
	}
}

func TestLabels(t *testing.T) {
	top := NewTopology(loadScenario(t, "figure-b.yaml"))
	want := map[string]string{
		"smtp.comentum.com": "smtp", "pop3.otherisp.com": "pop3", "ns.comentum.com": "ns",
		"bob-pc": "Bob (bob-pc)", "comentum-router": "comentum-router", "root-dns": "root-dns",
	}
	for name, label := range want {
		n := top.Node(name)
		if n == nil {
			t.Fatalf("no node %s", name)
		}
		if got := top.Label(n); got != label {
			t.Errorf("label of %s = %q, want %q", name, got, label)
		}
	}
}
