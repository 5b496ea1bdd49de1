package world

import (
	"strings"
	"testing"

	"mailsim/sim"
)

// Figure B's one message has one id, M1, and a journey with every step
// of the seed's story in order; the trace carries the steps, and the
// segments with the message's data are tagged with its id.
func TestFigureBJourney(t *testing.T) {
	rt := buildScenario(t, load(t, "figure-b.yaml"))
	var steps []string
	tagged := map[string]bool{} // "src > dst" of first hops carrying M1
	rt.World.Subscribe(func(e *sim.Event) {
		switch {
		case e.Kind == sim.KindStep:
			steps = append(steps, e.Msg+" "+e.Step)
		case e.Kind == sim.KindHop && e.Hop == 1 && e.Msg != "":
			tagged[e.SrcHost+" > "+e.DstHost+" "+e.Msg] = true
		}
	})
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	// The mail programs look their servers up first: Lisa's for M1,
	// Bob's at Send/Recv (an action, as no message is known yet).
	want := "M1 composed, M1 lookup, M1 submitted, M1 mx, M1 relayed, M1 handed, M1 stored,  action,  action, M1 downloaded, M1 deleted"
	if got := strings.Join(steps, ", "); got != want {
		t.Errorf("steps:\n  %s\nwant\n  %s", got, want)
	}
	for _, hop := range []string{
		"lisa-pc > smtp.otherisp.com M1",           // DATA from the mail program
		"smtp.otherisp.com > smtp.comentum.com M1", // the relay
		"smtp.comentum.com > pop3.comentum.com M1", // LMTP
		"pop3.comentum.com > bob-pc M1",            // RETR
	} {
		if !tagged[hop] {
			t.Errorf("no segment %s tagged; tagged: %v", hop, tagged)
		}
	}
	js := rt.Journeys()
	if len(js) != 1 || js[0].ID != "M1" || js[0].Subject != "Lunch?" {
		t.Fatalf("journeys: %+v", js)
	}
	ids := strings.Join(js[0].QueueIDs, "; ")
	for _, h := range []string{"smtp.otherisp.com ", "smtp.comentum.com ", "pop3.comentum.com L"} {
		if !strings.Contains(ids, h) {
			t.Errorf("queue ids %q lack %q", ids, h)
		}
	}
	relay := js[0].Steps[4]
	if relay.From != "smtp.otherisp.com" || relay.To != "smtp.comentum.com" || relay.Port != 25 || relay.Proto != "smtp" ||
		relay.Reply != "250 2.0.0 Ok: queued as "+relay.QueueID || relay.QueueID == "" {
		t.Errorf("relay step: %+v", relay)
	}
	if id := rt.JourneyOf("", "smtp.comentum.com", relay.QueueID); id != "M1" {
		t.Errorf("queue id %s maps to %q, want M1", relay.QueueID, id)
	}
	s := rt.Summary()[0]
	if s.Hops != 4 || s.Downloaded == nil || s.Status != "downloaded" || s.Retries != 0 {
		t.Errorf("summary: %+v", s)
	}
}

// A bounce gets its own id, linked both ways to the message it reports on.
func TestBounceJourney(t *testing.T) {
	rt := buildScenario(t, load(t, "unknown-recipient.yaml"))
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	js := rt.Journeys()
	if len(js) != 2 || js[0].Bounce != "M2" || js[1].Parent != "M1" {
		t.Fatalf("journeys: %+v", js)
	}
	last := js[0].Steps[len(js[0].Steps)-1]
	if last.Kind != "bounced" || !strings.Contains(last.Text, "bounce M2") || !strings.Contains(last.Text, "550 5.1.1") {
		t.Errorf("last step of M1: %+v", last)
	}
	var kinds []string
	for _, st := range js[1].Steps {
		kinds = append(kinds, st.Kind)
	}
	if got := strings.Join(kinds, " "); got != "bounced handed stored downloaded deleted" {
		t.Errorf("bounce steps: %s", got)
	}
}
