package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailsim/scenarios"
)

func TestParseShard(t *testing.T) {
	t.Setenv(envShardIndex, "2")
	for in, want := range map[string]shard{"": {0, 1}, "0/1": {0, 1}, "3/4": {3, 4}, "auto/3": {2, 3}} {
		got, err := parseShard(in)
		if err != nil || got != want {
			t.Errorf("parseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"4/4", "-1/4", "1", "a/4", "1/0", "auto/2", "1/x"} {
		if _, err := parseShard(in); err == nil {
			t.Errorf("parseShard(%q): no error", in)
		}
	}
}

// TestShardsCoverOnce checks that the shards of a list run every
// scenario exactly once, whatever the number of shards.
func TestShardsCoverOnce(t *testing.T) {
	var list []string
	for k := range 23 {
		list = append(list, fmt.Sprintf("s%02d.yaml", k))
	}
	for n := 1; n <= 30; n++ {
		seen := map[string]int{}
		for i := range n {
			for _, a := range (shard{i, n}).pick(list) {
				seen[a]++
			}
		}
		for _, a := range list {
			if seen[a] != 1 {
				t.Fatalf("%d shards run %s %d times", n, a, seen[a])
			}
		}
	}
}

// timing strips the wall time from test lines: "(…, 12ms)".
var timing = regexp.MustCompile(`, [0-9.]+[µm]?s\)`)

// TestParallelSameOutput runs the library with -j 1 and -j 3: the same
// lines in the same order (under -race: worlds share nothing), and the
// shards of it together give the same verdicts.
func TestParallelSameOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the library three times")
	}
	one := inProcess("test", "-j", "1")
	par := inProcess("test", "-j", "3")
	if one.code != exitOK || par.code != exitOK {
		t.Fatalf("exit %d and %d\n%s%s", one.code, par.code, one.stdout, par.stderr)
	}
	if a, b := timing.ReplaceAllString(one.stdout, ")"), timing.ReplaceAllString(par.stdout, ")"); a != b {
		t.Fatalf("-j 3 output differs from -j 1:\n%s", firstDiff(a, b))
	}
	dir := t.TempDir()
	var lines []string
	for i := range 3 {
		t.Setenv(envShardIndex, fmt.Sprint(i))
		junit := filepath.Join(dir, fmt.Sprintf("%d.xml", i))
		r := inProcess("test", "--shard", "auto/3", "--junit", junit)
		if r.code != exitOK {
			t.Fatalf("shard %d: exit %d\n%s%s", i, r.code, r.stdout, r.stderr)
		}
		out := strings.Split(strings.TrimSpace(timing.ReplaceAllString(r.stdout, ")")), "\n")
		lines = append(lines, out[:len(out)-1]...)
		data, err := os.ReadFile(junit)
		if err != nil {
			t.Fatal(err)
		}
		var doc junitSuites
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("mailsim shard %d/3", i); len(doc.Suites) != 1 || doc.Suites[0].Name != want {
			t.Errorf("shard %d: JUnit suites %+v, want one named %q", i, doc.Suites, want)
		}
	}
	if len(lines) != len(scenarios.List()) {
		t.Fatalf("the shards ran %d scenarios, the library has %d:\n%s", len(lines), len(scenarios.List()), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if !strings.Contains(one.stdout, timingFree(l)) {
			t.Errorf("shard line %q is not in the whole run's output", l)
		}
	}
}

func timingFree(s string) string { return strings.TrimSuffix(s, ")") }

// BenchmarkTestJobs runs mailsim test with -j 1 and -j 2 (separate
// processes) on the library and on a sweep of eight equal generated
// loads, and reports the speed-up of -j 2. The library's classroom
// takes most of its time, which bounds its speed-up.
func BenchmarkTestJobs(b *testing.B) {
	sweep := b.TempDir()
	for k := range 8 {
		l := loadGen{isps: 10, users: 50, messages: 300, crossISP: true, seed: int64(k + 1), gap: 100 * time.Millisecond}
		if err := os.WriteFile(filepath.Join(sweep, fmt.Sprintf("load%d.yaml", k)), l.yaml(b), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, v := range []struct{ name, arg string }{{"library", ""}, {"sweep", sweep}} {
		b.Run(v.name, func(b *testing.B) {
			run := func(j string) time.Duration {
				args := []string{"test", "-j", j}
				if v.arg != "" {
					args = append(args, v.arg)
				}
				start := time.Now()
				if out, err := exec.Command(binary, args...).CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
				return time.Since(start)
			}
			var one, two time.Duration
			for range b.N {
				one += run("1")
				two += run("2")
			}
			b.ReportMetric(one.Seconds()/float64(b.N), "j1-s")
			b.ReportMetric(two.Seconds()/float64(b.N), "j2-s")
			b.ReportMetric(one.Seconds()/two.Seconds(), "speedup")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// With several jobs the binary runs scenarios in worker processes: the
// same lines and JUnit cases as one job in one process.
func TestWorkersSameOutput(t *testing.T) {
	dir := t.TempDir()
	args := []string{"figure-b", "classroom", "nosuch.yaml", "relay-denied", "web-mail"}
	var outs [2]string
	var junits [2]junitSuites
	for i, j := range []string{"1", "2"} {
		junit := filepath.Join(dir, j+".xml")
		r := mailsim(t, dir, append([]string{"test", "-j", j, "--junit", junit}, args...)...)
		if r.code != exitFail {
			t.Fatalf("-j %s: exit %d\n%s%s", j, r.code, r.stdout, r.stderr)
		}
		outs[i] = timing.ReplaceAllString(r.stdout, ")")
		data, err := os.ReadFile(junit)
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(data, &junits[i]); err != nil {
			t.Fatal(err)
		}
	}
	if outs[0] != outs[1] {
		t.Fatalf("-j 2 output differs from -j 1:\n%s", firstDiff(outs[0], outs[1]))
	}
	if !strings.Contains(outs[1], "FAIL nosuch.yaml (invalid scenario)") || !strings.HasSuffix(outs[1], "4 passed, 1 failed\n") {
		t.Errorf("-j 2 output:\n%s", outs[1])
	}
	a, b := junits[0].Suites[0].Cases, junits[1].Suites[0].Cases
	if len(a) != len(args) || len(b) != len(args) {
		t.Fatalf("JUnit cases: %d and %d, want %d", len(a), len(b), len(args))
	}
	for k := range a {
		a[k].Time, b[k].Time = "", ""
		if !reflect.DeepEqual(a[k], b[k]) {
			t.Errorf("JUnit case %d: -j 1 %+v, -j 2 %+v", k, a[k], b[k])
		}
	}
}

// A worker that cannot start (or dies) fails its scenarios, saying so,
// and loses none.
func TestWorkerFails(t *testing.T) {
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb, exe: filepath.Join(t.TempDir(), "no-such-mailsim")}
	if code := c.main([]string{"test", "-j", "2", "figure-b", "figure-a", "relay-denied"}); code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
	if n := strings.Count(out.String(), "worker process failed"); n != 3 || !strings.Contains(out.String(), "0 passed, 3 failed") {
		t.Errorf("%d scenarios failed for the worker:\n%s", n, out.String())
	}
}
