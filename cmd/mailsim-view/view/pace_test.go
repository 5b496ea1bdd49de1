package view

import (
	"mailsim/sim"
	"strings"
	"testing"
	"time"
)

const ms = time.Millisecond

func TestRealPace(t *testing.T) {
	p := RealPace()
	for _, v := range []time.Duration{0, ms, 29 * time.Second, 10 * time.Minute} {
		if got := p.P(v); got != Lead+v {
			t.Errorf("P(%v) = %v, want %v", v, got, Lead+v)
		}
		if got := p.V(Lead + v); got != v {
			t.Errorf("V(%v) = %v, want %v", Lead+v, got, v)
		}
	}
	if p.V(time.Second) != 0 {
		t.Error("virtual time moves during the lead")
	}
}

func TestStoryPace(t *testing.T) {
	needs := []Need{
		{0, 5 * ms, 500 * ms},                               // a 5 ms hop: 100×
		{2 * ms, 4 * ms, 400 * ms},                          // overlaps it, needs 200× over its 2 ms
		{10 * ms, 11 * ms, 500 * ms},                        // after a 5 ms quiet stretch, kept as is
		{30 * time.Second, 30*time.Second + 5*ms, 500 * ms}, // after ~30 s idle
	}
	p := StoryPace(needs, time.Minute)
	show := func(a, b time.Duration) time.Duration { return p.P(b) - p.P(a) }
	if d := show(0, 5*ms); d < 400*ms+2*ms*100 || d > 700*ms {
		t.Errorf("first hop shown %v", d)
	}
	if d := show(2*ms, 4*ms); d < 400*ms {
		t.Errorf("overlapping hop shown %v, want ≥ 400ms", d)
	}
	if d := show(5*ms, 10*ms); d != 5*ms {
		t.Errorf("short gap shown %v, want as is", d)
	}
	if d := show(10*ms, 11*ms); d != 500*ms {
		t.Errorf("third hop shown %v", d)
	}
	if d := show(11*ms, 30*time.Second); d != IdleShow {
		t.Errorf("idle gap shown %v, want %v", d, IdleShow)
	}
	if g, ok := p.GapAt(30*time.Second+ms, time.Second); !ok || g.From != 11*ms || g.To != 30*time.Second {
		t.Errorf("GapAt = %v %v", g, ok)
	}
	// The tail after the last hop is idle too: 30 s → 1 s.
	if d := show(30*time.Second+5*ms, time.Minute); d != IdleShow {
		t.Errorf("tail shown %v", d)
	}
	// V inverts P, monotonically.
	last := time.Duration(-1)
	for x := time.Duration(0); x < p.Len(); x += 7 * ms {
		v := p.V(x)
		if v < last {
			t.Fatalf("V not monotonic at %v", x)
		}
		last = v
		if back := p.P(v); x >= Lead && (back-x > ms || x-back > ms) {
			t.Fatalf("P(V(%v)) = %v", x, back)
		}
	}
}

// Done when: figure B, from Lisa's send to Bob's download, plays in
// under 45 s at 1×, and its compressed gap is told.
func TestStoryPaceFigureB(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	var send, got time.Duration = -1, -1
	for _, e := range m.Log {
		if e.Step == "composed" && send < 0 {
			send = e.Depart
		}
		if e.Step == "downloaded" {
			got = e.Depart
		}
	}
	play := m.Pace.P(got) - m.Pace.P(send)
	t.Logf("Lisa's send to Bob's download: %v of playback (virtual %v); whole run %v", play, got-send, m.Pace.Len())
	if play > 45*time.Second || play < 15*time.Second {
		t.Errorf("playback %v, want 15s…45s", play)
	}
	if m.Pace.Len() > 60*time.Second {
		t.Errorf("the whole 10 min run plays in %v", m.Pace.Len())
	}
	// Every hop of the letter lasts at least LetterHop on screen.
	for _, e := range m.Log {
		if e.Msg != "" && e.Kind == sim.KindHop {
			if d := m.Pace.P(e.Arrive) - m.Pace.P(e.Depart); d < LetterHop-ms {
				t.Errorf("letter hop %s→%s shown %v", e.From, e.To, d)
			}
		}
	}
	m.Seek(30 * time.Second)
	if c, _ := m.StoryLine(); !strings.HasPrefix(c, "29 s later: Bob presses Send/Recv") {
		t.Errorf("caption after the gap: %q", c)
	}
}

// Captions say why: the sender-domain check, a download with its
// subject, and a QUIT that deleted nothing.
func TestCaptionsSayWhy(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	var all []string
	for i := range m.Log {
		if c := m.captionOf(i); c != "" {
			all = append(all, c)
		}
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{
		"comentum's SMTP server asks DNS: which server takes mail for otherisp.com? Why: it was just offered mail from otherisp.com",
		`comentum's POP3 server sends "Lunch?" (732 bytes)`,
		`Lisa's mail program sends the message "Lunch?" itself`,
		"only now does the server remove the 1 message(s) it marked with DELE",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no caption %q", want)
		}
	}
	m = newModel(t, "leave-on-server.yaml")
	all = nil
	for i := range m.Log {
		if strings.HasPrefix(m.captionOf(i), "Carol's mail program says goodbye") {
			all = append(all, m.captionOf(i))
		}
	}
	if len(all) == 0 || !strings.Contains(all[0], "It deleted nothing, so its mail stays on the server.") {
		t.Errorf("Carol's QUIT: %q", all)
	}
}

// A PC with no mail program looks names up for its browser: its DNS
// queries are the browser's, never a mail program's.
func TestBrowserLooksUpNames(t *testing.T) {
	m := newModel(t, "web-mail.yaml")
	var browser, program []string
	for i, e := range m.Log {
		c := m.captionOf(i)
		if e.SrcHost != "library-pc" || e.Proto != "udp" || c == "" {
			continue
		}
		if strings.Contains(c, "mail program") {
			program = append(program, c)
		}
		if strings.Contains(c, "Bob's browser") {
			browser = append(browser, c)
		}
	}
	if len(program) > 0 || len(browser) == 0 {
		t.Errorf("library-pc's DNS queries: %d name a mail program (%q), %d Bob's browser", len(program), program, len(browser))
	}
}
