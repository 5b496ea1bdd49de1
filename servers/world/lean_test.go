package world

import (
	"testing"

	"mailsim/sim/scenario"
)

// A lean replay keeps only the headers of what the mail programs
// download, unless a path expectation reads the Received chain.
func TestLeanDownloads(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lean      bool
		dropPaths bool
		bodies    bool
	}{
		{"default", false, false, true},
		{"lean, with a path expectation", true, false, true},
		{"lean, no path expectation", true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := load(t, "figure-b.yaml")
			if tc.dropPaths {
				var keep []scenario.Expectation
				for _, e := range sc.Expect {
					if e.Kind != scenario.ExpPath {
						keep = append(keep, e)
					}
				}
				sc.Expect = keep
			}
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
			if len(in) != 1 || in[0].Subject == "" {
				t.Fatalf("inbox %+v", in)
			}
			if got := in[0].Data != nil; got != tc.bodies {
				t.Errorf("body kept: %v, want %v", got, tc.bodies)
			}
		})
	}
}
