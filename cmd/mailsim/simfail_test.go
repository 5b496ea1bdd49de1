package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
)

// TestSimulationFailure: a simulation that fails (here a stall, as the
// kernel reports it) exits 3 with one line on stderr from run, and
// counts as failed, with an error element in the JUnit report, in test.
func TestSimulationFailure(t *testing.T) {
	saved := runWorld
	t.Cleanup(func() { runWorld = saved })
	runWorld = func(rt *world.Runtime) error {
		if err := rt.RunUntil(30 * time.Second); err != nil {
			return err
		}
		return &sim.StallError{At: rt.World.Now(), Goroutines: []string{"smtp.comentum.com: conn 3", "pop3.comentum.com: lmtp"}}
	}
	r := inProcess("run", "figure-b")
	if r.code != exitSim {
		t.Errorf("run: exit %d, want %d", r.code, exitSim)
	}
	want := "mailsim run: figure-b.yaml: simulation failed: simulation stalled at 30.000000s: smtp.comentum.com: conn 3; pop3.comentum.com: lmtp never blocked"
	if !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("run: stderr %q, want one line starting %q", r.stderr, want)
	}
	if strings.Contains(r.stdout, "expectations:") {
		t.Errorf("run: results printed for a failed simulation:\n%s", tail(r.stdout, 500))
	}

	report := filepath.Join(t.TempDir(), "r.xml")
	r = inProcess("test", "--junit", report, "figure-b")
	if r.code != exitFail {
		t.Errorf("test: exit %d, want %d", r.code, exitFail)
	}
	if !strings.Contains(r.stdout, "FAIL figure-b.yaml (simulation failed, ") ||
		!strings.Contains(r.stdout, "    simulation failed: simulation stalled at 30.000000s") ||
		!strings.HasSuffix(r.stdout, "0 passed, 1 failed\n") {
		t.Errorf("test: stdout:\n%s", r.stdout)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Errors != 1 || doc.Failures != 0 || doc.Suites[0].Cases[0].Error == nil ||
		doc.Suites[0].Cases[0].Error.Type != "simulation" {
		t.Errorf("junit: %s", data)
	}
}
