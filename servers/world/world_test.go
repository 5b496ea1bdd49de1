package world

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"mailsim/scenarios"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

func load(t testing.TB, name string) *scenario.Scenario {
	t.Helper()
	data, err := fs.ReadFile(scenarios.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// runScenario runs a library scenario and returns its readable trace.
func runScenario(t testing.TB, name string) (*Runtime, string) {
	t.Helper()
	rt := build(t, name)
	var buf bytes.Buffer
	tw := sim.NewTextTrace(&buf)
	rt.World.Subscribe(tw.Event)
	if err := rt.Run(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tw.Flush()
	return rt, buf.String()
}

func TestLibraryScenariosPass(t *testing.T) {
	names, _ := fs.Glob(scenarios.FS, "*.yaml")
	for _, name := range names {
		if testing.Short() && strings.HasPrefix(name, "classroom") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			rt, trace := runScenario(t, name)
			for _, r := range rt.Results() {
				if !r.OK {
					t.Errorf("%s", r)
				}
			}
			if t.Failed() {
				t.Logf("trace:\n%s", trace)
			}
		})
	}
}
