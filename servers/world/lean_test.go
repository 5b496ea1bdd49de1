package world

import (
	"slices"
	"testing"

	"mailsim/servers/env"
	"mailsim/sim/scenario"
)

// A lean replay keeps only the headers of what the mail programs
// download, unless a path expectation reads the Received chain, and no
// inbox at all for a program no expectation reads.
func TestLeanDownloads(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lean    bool
		drop    []scenario.ExpectKind
		bodies  bool
		noInbox bool
	}{
		{name: "default", bodies: true},
		{name: "lean, with a path expectation", lean: true, bodies: true},
		{name: "lean, no path expectation", lean: true, drop: []scenario.ExpectKind{scenario.ExpPath}},
		{name: "lean, nothing reads the inbox", lean: true, drop: []scenario.ExpectKind{scenario.ExpPath, scenario.ExpDownloaded}, noInbox: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := load(t, "figure-b.yaml")
			var keep []scenario.Expectation
			for _, e := range sc.Expect {
				if !slices.Contains(tc.drop, e.Kind) {
					keep = append(keep, e)
				}
			}
			sc.Expect = keep
			rt, err := Build(sc, Options{Lean: tc.lean})
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Close()
			if err := rt.Run(); err != nil {
				t.Fatal(err)
			}
			for _, r := range rt.Results() {
				if !r.OK {
					t.Errorf("%s", r)
				}
			}
			in := rt.Program("bob-pc").Inbox()
			if tc.noInbox {
				if len(in) != 0 {
					t.Fatalf("inbox %+v, want none", in)
				}
				// The download is still a step of the message: its
				// Message-ID was read all the same.
				steps := rt.Journeys()[0].Steps
				if !slices.ContainsFunc(steps, func(st Step) bool { return st.Kind == string(env.StepDownloaded) }) {
					t.Errorf("no download among the steps of M1: %+v", steps)
				}
				return
			}
			if len(in) != 1 || in[0].Subject == "" {
				t.Fatalf("inbox %+v", in)
			}
			if got := in[0].Data != nil; got != tc.bodies {
				t.Errorf("body kept: %v, want %v", got, tc.bodies)
			}
		})
	}
}
