package main

import (
	"bytes"
	"strings"
	"testing"

	"mailsim/scenarios"
	"mailsim/servers/world"
	"mailsim/sim/scenario"
)

// The library holds under chaos: 25 seeds per scenario, 4 for the big
// classroom (200+ in all), no copy lost or duplicated, no stall. -short
// runs a quarter.
func TestChaosLibrary(t *testing.T) {
	total := 0
	for _, name := range scenarios.List() {
		seeds := 25
		if name == "classroom.yaml" { // 600 messages a run
			seeds = 4
		}
		if testing.Short() {
			seeds /= 4
		}
		rep, err := chaos(name, 1, seeds, 2)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if code := rep.print(&out); code != exitOK {
			t.Errorf("%s:\n%s", name, out.String())
		}
		total += len(rep.results)
	}
	if !testing.Short() && total < 200 {
		t.Errorf("only %d seeds", total)
	}
}

// A seed's scenario file is valid, replays the same faults, and has them
// in its timeline as ordinary actions.
func TestChaosScenarioReplays(t *testing.T) {
	data, name, base := figureB(t)
	var fs []fault
	for seed := int64(1); len(fs) == 0; seed++ {
		fs = chaosFaults(base, seed)
	}
	text, err := chaosScenario(data, name, 3, fs)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse("replay.yaml", text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	actions := 0
	for _, f := range fs {
		actions += 1 + min(len(f.up), 1)
	}
	if got, want := len(sc.Timeline), len(base.Timeline)+actions; got != want {
		t.Errorf("timeline has %d actions, want %d:\n%s", got, want, text)
	}
	if !strings.HasPrefix(string(text), "# mailsim chaos: figure-b.yaml with seed 3") {
		t.Errorf("header: %.80s", text)
	}
	a := chaosFaults(base, 42)
	b := chaosFaults(base, 42)
	if len(a) != len(b) || (len(a) > 0 && a[0] != b[0]) {
		t.Errorf("seed 42 not repeatable: %v vs %v", a, b)
	}
}

// A failing seed prints its replay file and exits 1.
func TestChaosReportsViolation(t *testing.T) {
	rep := &chaosReport{name: "x.yaml", results: []chaosResult{{seed: 7, problem: "conservation violated: M1 lost", text: []byte("title: t\n")}}}
	var out bytes.Buffer
	if code := rep.print(&out); code != exitFail {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{"seed 7 (0 faults): conservation violated: M1 lost", "--- scenario replaying seed 7 ---\ntitle: t\n--- end ---", "1 seeds, 1 violations"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// The faults the issue asks for all occur: flaps, service and DNS
// outages, lossy and slow spells, and mail programs hanging up in DATA.
// A seed with a slow spell and one with a hang-up replay as files, hold
// the invariant, and the message cut off is refused, never accepted.
func TestChaosFaultKinds(t *testing.T) {
	data, name, base := figureB(t)
	kinds := map[string]int64{} // kind → first seed with it
	for seed := int64(1); seed <= 200; seed++ {
		for _, f := range chaosFaults(base, seed) {
			k := strings.SplitN(f.down, ":", 2)[0]
			switch {
			case strings.Contains(f.down, "service: dns"):
				k = "dns outage"
			case strings.Contains(f.down, "loss:"):
				k = "lossy"
			case strings.Contains(f.down, "latency:"):
				k = "slow"
			case strings.Contains(f.down, "disconnect: mid_data"):
				k = "hang-up"
			}
			if kinds[k] == 0 {
				kinds[k] = seed
			}
		}
	}
	for _, k := range []string{"link_down", "stop", "dns outage", "lossy", "slow", "hang-up"} {
		if kinds[k] == 0 {
			t.Errorf("no %s fault in 200 seeds: %v", k, kinds)
		}
	}
	for _, k := range []string{"lossy", "slow", "hang-up"} {
		seed := kinds[k]
		text, err := chaosScenario(data, name, seed, chaosFaults(base, seed))
		if err != nil {
			t.Fatal(err)
		}
		r := runChaos(name, seed, text, 1)
		if r.problem != "" {
			t.Errorf("%s, seed %d: %s\n%s", k, seed, r.problem, text)
		}
		if k != "hang-up" {
			continue
		}
		sc, err := scenario.Parse("replay.yaml", text)
		if err != nil {
			t.Fatal(err)
		}
		rt, err := world.Build(sc, world.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.Run(); err != nil {
			t.Fatal(err)
		}
		refused := false
		for _, x := range rt.Journeys() {
			for _, st := range x.Steps {
				if x.Subject == cutSubject && st.Kind == "refused" && strings.Contains(st.Text, "hung up in the middle") {
					refused = true
				}
			}
		}
		if !refused {
			t.Errorf("seed %d: the message cut off in DATA is not reported refused", seed)
		}
		rt.Close()
	}
}

// figureB is the library's figure-b, as text and parsed: the base of
// chaos seeds.
func figureB(t *testing.T) (data []byte, name string, sc *scenario.Scenario) {
	t.Helper()
	data, name, err := readArg("figure-b")
	if err != nil {
		t.Fatal(err)
	}
	if sc, err = scenario.Parse(name, data); err != nil {
		t.Fatal(err)
	}
	return data, name, sc
}
