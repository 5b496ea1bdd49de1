package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsim/scenarios"
)

// goldenLimit is the largest trace kept whole in a golden file; a larger
// one (the classroom's is about 13 MB) is kept as its line count and
// SHA-256 followed by the results, so the repository stays small while
// any change to the trace still shows.
const goldenLimit = 5 << 20

// TestGoldenTraces compares the stdout of "mailsim run NAME" (the story)
// and of "mailsim run --packets --tcp NAME" (every segment on every link,
// the trace as it always was) for every library scenario with
// testdata/NAME.story.golden and testdata/NAME.packets.golden, byte for
// byte.
func TestGoldenTraces(t *testing.T) {
	views := []struct {
		suffix string
		flags  []string
	}{
		{"story", nil},
		{"packets", []string{"--packets", "--tcp"}},
	}
	for _, file := range scenarios.List() {
		for _, v := range views {
			name := strings.TrimSuffix(file, ".yaml")
			t.Run(name+"/"+v.suffix, func(t *testing.T) {
				if testing.Short() && name == "classroom" && v.suffix == "packets" {
					t.Skip("classroom is slow under -short")
				}
				golden(t, name, v.suffix, append(append([]string{"run"}, v.flags...), name)...)
			})
		}
	}
}

func golden(t *testing.T, name, suffix string, args ...string) {
	{
		{
			r := inProcess(args...)
			if r.code != exitOK {
				t.Fatalf("exit %d\nstderr: %s\nstdout tail: %s", r.code, r.stderr, tail(r.stdout, 2000))
			}
			got := goldenForm(r.stdout)
			path := filepath.Join("testdata", name+"."+suffix+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/mailsim -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the run; first difference:\n%s\n(run go test ./cmd/mailsim -update if the change is intended)",
					path, firstDiff(string(want), got))
			}
		}
	}
}

// goldenForm is the run's output itself, or for a large one the trace's
// digest followed by the results section.
func goldenForm(out string) string {
	if len(out) <= goldenLimit {
		return out
	}
	i := strings.LastIndex(out, "\nexpectations:\n")
	if i < 0 {
		i = len(out)
	}
	trace := out[:i+1]
	sum := sha256.Sum256([]byte(trace))
	return fmt.Sprintf("trace: %d lines, %d bytes, sha256 %x (too large to keep whole)\n%s",
		strings.Count(trace, "\n"), len(trace), sum, out[i+1:])
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "(none)"
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestDeterminism runs the default scenario 20 times as separate
// processes; the JSON Lines trace and the pcap file must be identical.
func TestDeterminism(t *testing.T) {
	runs := 20
	if testing.Short() {
		runs = 5
	}
	dir := t.TempDir()
	var firstJSON, firstPcap []byte
	for i := 0; i < runs; i++ {
		j, p := filepath.Join(dir, fmt.Sprintf("%d.jsonl", i)), filepath.Join(dir, fmt.Sprintf("%d.pcap", i))
		r := mailsim(t, "", "run", "--quiet", "--trace", j, "--pcap", p)
		if r.code != exitOK {
			t.Fatalf("run %d: exit %d: %s", i, r.code, r.stderr)
		}
		gotJ, err := os.ReadFile(j)
		if err != nil {
			t.Fatal(err)
		}
		gotP, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			firstJSON, firstPcap = gotJ, gotP
			if len(gotJ) == 0 || len(gotP) < 1000 {
				t.Fatalf("empty outputs: %d bytes JSONL, %d bytes pcap", len(gotJ), len(gotP))
			}
			continue
		}
		if !bytes.Equal(gotJ, firstJSON) {
			t.Fatalf("run %d: JSONL trace differs from run 0: %s", i, firstDiff(string(firstJSON), string(gotJ)))
		}
		if !bytes.Equal(gotP, firstPcap) {
			t.Fatalf("run %d: pcap differs from run 0", i)
		}
	}
}

// The README shows `mailsim run figure-b` as it prints.
func TestReadmeStory(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const cmd = "$ mailsim run figure-b\n"
	_, block, ok := strings.Cut(string(data), cmd)
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatalf("README has no block after %q", cmd)
	}
	r := inProcess("run", "figure-b")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if block != r.stdout {
		t.Errorf("README's figure-b story differs from the run's:\n%s", firstDiff(block, r.stdout))
	}
}

// The README's excerpt of the packet trace is lines of figure-b's.
func TestReadmePackets(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(data), "`mailsim run --packets` has one line per segment")
	_, block, _ := strings.Cut(after, "```\n")
	block, _, ok := strings.Cut(block, "```")
	if !ok || block == "" {
		t.Fatal("README has no packet trace excerpt")
	}
	r := inProcess("run", "--packets", "figure-b")
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		if !strings.Contains(r.stdout, line+"\n") {
			t.Errorf("README's packet line is not in the trace:\n%s", line)
		}
	}
}
