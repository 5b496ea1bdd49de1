package view

import (
	"mailsim/sim"
	"testing"
	"time"
)

func spotsAt(m *Model, t time.Duration) []Spot {
	m.Seek(t)
	return m.Letters().At(m.T, m.Pace, nil)
}

// Mid-relay (figure B, halfway through the relay's conversation in
// presentation time) the letter "Lunch?" is on its way between the two
// ISPs, and it is on the map from Lisa's send to Bob's download.
func TestLetterMidRelay(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	var conn uint64
	for _, e := range m.Log {
		if e.Msg != "" && e.From == "otherisp-router" && e.To == "internet" {
			conn = e.Conn
		}
	}
	var start, end time.Duration = -1, 0
	for _, e := range m.Log {
		if e.Kind == sim.KindHop && e.Conn == conn && e.Msg != "" {
			end = e.Arrive
		}
		if e.Kind == sim.KindHop && e.Conn == conn && start < 0 {
			start = e.Depart
		}
	}
	m.SeekP((m.Pace.P(start) + m.Pace.P(end)) / 2)
	sp := m.Letters().At(m.T, m.Pace, nil)
	if len(sp) != 1 || sp[0].J.Subject != "Lunch?" || sp[0].Place != Flying {
		t.Fatalf("mid-relay spots: %+v", sp)
	}
	a, b := m.Topo.Node("smtp.otherisp.com"), m.Topo.Node("smtp.comentum.com")
	if sp[0].X <= a.X || sp[0].X >= b.X {
		t.Errorf("letter at x=%v, not between the SMTP servers (%v, %v)", sp[0].X, a.X, b.X)
	}
	for v := time.Duration(0); v <= 31*time.Second; v += 10 * time.Millisecond {
		found := false
		for _, s := range spotsAt(m, v) {
			found = found || s.J.Subject == "Lunch?" && s.Fade == 0
		}
		if !found {
			t.Fatalf("no letter \"Lunch?\" at %v", v)
		}
	}
	want := map[time.Duration][2]string{
		0:                      {"lisa-pc", "outbox"},
		300 * time.Millisecond: {"smtp.otherisp.com", "queue"}, // its MX lookup
		20 * time.Second:       {"pop3.comentum.com", "mailbox"},
	}
	for at, w := range want {
		sp := spotsAt(m, at)
		if len(sp) != 1 || sp[0].Node != w[0] || sp[0].Place.String() != w[1] {
			t.Errorf("at %v: %+v, want %s in %s", at, sp, w[1], w[0])
		}
	}
	// At the end Bob has it; the server's copy was deleted.
	sp = spotsAt(m, m.Until())
	if len(sp) != 1 || sp[0].Node != "bob-pc" || sp[0].Place != Inbox {
		t.Errorf("at the end: %+v", sp)
	}
}

// Leave on server at 60 s: Carol's copy is still on the server, Bob's
// is gone from it; both have it on their PCs.
func TestLetterLeftOnServer(t *testing.T) {
	m := newModel(t, "leave-on-server.yaml")
	got := map[string]bool{}
	for _, s := range spotsAt(m, 60*time.Second) {
		if s.Fade == 0 {
			got[s.Box+" "+s.Place.String()+" "+s.Node] = true
		}
	}
	for _, w := range []string{"carol mailbox pop3.comentum.com", "carol inbox carol-pc", "bob inbox bob-pc"} {
		if !got[w] {
			t.Errorf("no %q at 60s: %v", w, got)
		}
	}
	if got["bob mailbox pop3.comentum.com"] {
		t.Errorf("Bob's copy still on the server at 60s: %v", got)
	}
}

// The end of every run shows the results card; for figure B every
// expectation holds.
func TestResultsAtTheEnd(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	rs := m.Results()
	if len(rs) != 4 {
		t.Fatalf("%d results", len(rs))
	}
	for _, r := range rs {
		if !r.OK {
			t.Errorf("%s: %s", r.What, r.Detail)
		}
	}
	m.SeekP(m.Pace.Len())
	if !m.Ended() {
		t.Error("not ended at the end of the pace")
	}
}

// Done when: in story pace the letter moves on most 10 fps frames of the
// first 20 s of playback (as --record films them), title card included.
func TestLetterMovesMostOfTheFirst20s(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	moving, frames := 0, 0
	var last []Spot
	for p := time.Duration(0); p < 20*time.Second; p += 100 * time.Millisecond {
		m.SeekP(p)
		sp := m.Letters().At(m.T, m.Pace, nil)
		frames++
		for i, s := range sp {
			if s.Place == Flying || i < len(last) && (last[i].X != s.X || last[i].Y != s.Y) {
				moving++
				break
			}
		}
		last = sp
	}
	t.Logf("the letter moves on %d of %d frames", moving, frames)
	if moving*2 <= frames {
		t.Errorf("the letter moves on %d of %d frames", moving, frames)
	}
}

// The server-down scenario: the stopped service is marked until it
// starts again, the refused connections are marked ✗, and the letter
// waits in the queue with its retries counted.
func TestMarksServerDown(t *testing.T) {
	m := newModel(t, "server-down.yaml")
	if d := m.DownAt(time.Minute); len(d.Services["smtp.comentum.com"]) != 1 {
		t.Errorf("at 1m stopped: %v", d.Services)
	}
	if d := m.DownAt(4 * time.Minute); len(d.Services) != 0 {
		t.Errorf("at 4m stopped: %v", d.Services)
	}
	refused := false
	for v := 5 * time.Second; v < 3*time.Minute && !refused; v += 10 * time.Millisecond {
		m.Seek(v)
		refused = len(m.Refusals(nil)) > 0
	}
	if !refused {
		t.Error("no refused connection marked")
	}
	queued := false
	for _, s := range spotsAt(m, 2*time.Minute+30*time.Second) {
		queued = queued || s.Place == Queue && s.Node == "smtp.otherisp.com" && s.Retries > 0
	}
	if !queued {
		t.Errorf("at 2m30s: %+v", spotsAt(m, 2*time.Minute+30*time.Second))
	}
}

func TestPlain(t *testing.T) {
	got := Plain(`smtp.otherisp.com cannot deliver "Are you there?" yet: connect to smtp.comentum.com[203.0.113.25]:25: connect: connection refused; retry in 1m`)
	if want := `smtp.otherisp.com cannot deliver "Are you there?" yet: smtp.comentum.com refused the connection on port 25: no server is listening there; retry in 1m`; got != want {
		t.Errorf("Plain = %q", got)
	}
}
