package view

import (
	"testing"
	"time"
)

func spotsAt(m *Model, t time.Duration) []Spot {
	m.Seek(t)
	return m.Letters().At(m.T, m.Pace, nil)
}

// Mid-relay (figure B at 1 s) the letter "Lunch?" is on its way between
// the two ISPs, and it is on the map from Lisa's send to Bob's download.
func TestLetterMidRelay(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	var relay time.Duration
	for _, e := range m.Log {
		if e.Msg != "" && e.From == "otherisp-router" && e.To == "internet" {
			relay = (e.Depart + e.Arrive) / 2
		}
	}
	sp := spotsAt(m, relay)
	if len(sp) != 1 || sp[0].J.Subject != "Lunch?" || sp[0].Place != Flying {
		t.Fatalf("mid-relay spots: %+v", sp)
	}
	a, b := m.Topo.Node("otherisp-router"), m.Topo.Node("internet")
	if sp[0].X <= min(a.X, b.X) || sp[0].X >= max(a.X, b.X) {
		t.Errorf("letter at x=%v, not between the router (%v) and the Internet (%v)", sp[0].X, a.X, b.X)
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
		500 * time.Millisecond: {"smtp.otherisp.com", "queue"},
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
