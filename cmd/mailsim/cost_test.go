package main

import (
	"regexp"
	"strings"
	"testing"
)

// A quiet run's summary says what the run cost; the story's does not,
// since the figures differ from run to run.
func TestSummaryCost(t *testing.T) {
	r := inProcess("run", "--quiet", "figure-b")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	re := regexp.MustCompile(`(?m)^cost: [1-9]\d* events in \S+ \(\d+k events/s\), peak heap \d+\.\d MiB$`)
	if !re.MatchString(r.stdout) {
		t.Errorf("no cost line in the quiet summary:\n%s", r.stdout)
	}
	if s := inProcess("run", "figure-b"); strings.Contains(s.stdout, "\ncost: ") {
		t.Errorf("the story's summary has a cost line")
	}
}
