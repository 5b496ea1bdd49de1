package world

import (
	"strings"
	"testing"
)

// Every library scenario conserves its mail, and the counts add up.
func TestConservationLibrary(t *testing.T) {
	for _, name := range []string{"figure-b.yaml", "unknown-recipient.yaml", "leave-on-server.yaml", "server-down.yaml", "dns-nxdomain.yaml"} {
		rt := buildScenario(t, load(t, name))
		if err := rt.Run(); err != nil {
			t.Fatal(err)
		}
		c := rt.Conservation()
		if !c.OK() {
			t.Errorf("%s: %v", name, c.Violations)
		}
		sum := c.Mailbox + c.Downloaded + c.Bounced + c.Postmaster + c.Queued + c.Lost
		if c.Accepted == 0 || sum != c.Accepted {
			t.Errorf("%s: counts do not add up: %s", name, c)
		}
	}
}

// A message that vanishes from a mailbox without being downloaded is
// caught, named, and its last step given.
func TestConservationCatchesLoss(t *testing.T) {
	rt := buildScenario(t, load(t, "leave-on-server.yaml"))
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	if c := rt.Conservation(); !c.OK() {
		t.Fatalf("before: %v", c.Violations)
	}
	st := rt.Store("comentum")
	if st == nil {
		t.Fatal("no store comentum")
	}
	for _, box := range st.Users() {
		md, err := st.Open(box)
		if err != nil {
			t.Fatal(err)
		}
		var uids []string
		for _, m := range md.Messages() {
			uids = append(uids, m.UID)
		}
		md.Expunge(uids) // behind the journeys' back
		md.Close()
	}
	c := rt.Conservation()
	if c.OK() || c.Lost == 0 {
		t.Fatalf("loss not caught: %s", c)
	}
	v := c.Violations[0].String()
	if !strings.HasPrefix(v, "M1 ") || !strings.Contains(v, "lost") || !strings.Contains(v, "last step #") {
		t.Errorf("violation: %s", v)
	}
}

// A copy handed on twice by the same server is a duplicate.
func TestConservationCatchesDuplicate(t *testing.T) {
	rt := buildScenario(t, load(t, "figure-b.yaml"))
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	j := rt.journeys
	j.mu.Lock()
	x := j.list[0]
	for _, n := range x.at {
		if j.log.step(n).Kind == "relayed" {
			x.at = append(x.at, n) // the same relay again
			break
		}
	}
	j.mu.Unlock()
	c := rt.Conservation()
	if c.Duplicated == 0 || c.OK() {
		t.Fatalf("duplicate not caught: %s", c)
	}
}
