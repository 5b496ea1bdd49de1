package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const passing = `title: Lisa sends Bob an email
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
  bob-pc: {user: bob@comentum.com}
timeline:
  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: "Lunch?"}}
  - {at: 30s, check: bob-pc}
expect:
  - {delivered: {to: bob@comentum.com, subject: "Lunch?"}, by: 30s}
  - {downloaded: {host: bob-pc, subject: "Lunch?"}, by: 40s}
`

// failing expects the download before Bob ever checks.
var failing = strings.Replace(passing, "by: 40s", "by: 10s", 1)

// broken has three errors on three lines.
const broken = `title: Broken
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
hosts:
  lisa-pc: {user: lisa@nowhere.example}
timeline:
  - {at: soon, send: {from: lisa@otherisp.com, to: bob@comentum.com}}
expect:
  - {delivred: {to: bob@comentum.com}}
`

var posRE = regexp.MustCompile(`^broken\.yaml:\d+:\d+: `)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "pass.yaml", passing)
	writeFile(t, dir, "fail.yaml", failing)
	writeFile(t, dir, "broken.yaml", broken)
	os.MkdirAll(filepath.Join(dir, "days"), 0o755)
	writeFile(t, dir, "days/day.yaml", strings.NewReplacer("at: 30s", "at: 1d", "by: 30s", "by: 1d1m", "by: 40s", "by: 1d1m").Replace(passing)+"until: 1d12h\n")
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // substrings of stdout
		stderr     []string // substrings of stderr
		noStdout   []string
		emptyOut   bool
		emptyErr   bool
		stdoutLast string // exact last line of stdout
	}{
		{name: "no args", args: nil, code: exitUsage, stderr: []string{"usage: mailsim COMMAND"}, emptyOut: true},
		{name: "--help", args: []string{"--help"}, code: exitOK, stdout: []string{"usage: mailsim COMMAND", "run [SCENARIO]", "test [DIR|FILES]", "validate FILES...",
			"serve [SCENARIO]   run the world in real time and expose its servers on loopback for real clients", "exit status:", "3  the simulation itself failed"}, emptyErr: true},
		{name: "-h", args: []string{"-h"}, code: exitOK, stdout: []string{"usage: mailsim COMMAND"}, emptyErr: true},
		{name: "help", args: []string{"help"}, code: exitOK, stdout: []string{"usage: mailsim COMMAND"}, emptyErr: true},
		{name: "help run", args: []string{"help", "run"}, code: exitOK, stdout: []string{"usage: mailsim run [flags] [SCENARIO]", "--trace FILE.jsonl", "--pcap FILE.pcap", "--quiet", "--until DURATION", "--seed N"}, emptyErr: true},
		{name: "run --help", args: []string{"run", "--help"}, code: exitOK, stdout: []string{"usage: mailsim run", "--pcap FILE.pcap"}, emptyErr: true},
		{name: "test --help", args: []string{"test", "--help"}, code: exitOK, stdout: []string{"usage: mailsim test", "--junit FILE.xml", "N passed, M failed"}, emptyErr: true},
		{name: "test -h", args: []string{"test", "-h"}, code: exitOK, stdout: []string{"usage: mailsim test"}, emptyErr: true},
		{name: "validate --help", args: []string{"validate", "--help"}, code: exitOK, stdout: []string{"usage: mailsim validate FILES..."}, emptyErr: true},
		{name: "help validate", args: []string{"help", "validate"}, code: exitOK, stdout: []string{"usage: mailsim validate"}, emptyErr: true},
		{name: "help serve", args: []string{"help", "serve"}, code: exitOK, stdout: []string{"serve"}},
		{name: "help nosuch", args: []string{"help", "nosuch"}, code: exitUsage, stderr: []string{`unknown command "nosuch"`}},
		{name: "version", args: []string{"version"}, code: exitOK, stdout: []string{"mailsim "}},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitUsage, stderr: []string{`unknown command "frobnicate"`, "usage: mailsim COMMAND"}, emptyOut: true},
		{name: "unknown flag", args: []string{"run", "--bogus"}, code: exitUsage, stderr: []string{"flag provided but not defined: -bogus", "usage: mailsim run"}, emptyOut: true},
		{name: "serve speed NaN", args: []string{"serve", "--speed", "NaN"}, code: exitUsage, stderr: []string{"--speed must be a number from 0.01 to 10000, got NaN"}},
		{name: "serve speed Inf", args: []string{"serve", "--speed", "Inf"}, code: exitUsage, stderr: []string{"--speed must be a number from 0.01 to 10000, got +Inf"}},
		{name: "serve speed 0", args: []string{"serve", "--speed", "0"}, code: exitUsage, stderr: []string{"--speed must be"}},
		{name: "bad seed", args: []string{"run", "--seed", "x"}, code: exitUsage, stderr: []string{"not an integer"}},
		{name: "two scenarios", args: []string{"run", "figure-a", "figure-b"}, code: exitUsage, stderr: []string{"one scenario at a time"}},
		{name: "no such scenario", args: []string{"run", "nosuch"}, code: exitUsage, stderr: []string{"nosuch: no such file or library scenario", "figure-b"}},
		{name: "run default", args: []string{"run"}, code: exitOK, stdout: []string{"lisa-pc → smtp.otherisp.com:25", "MX 10 smtp.comentum.com", "expectations:", ": ok (", "messages:"},
			stdoutLast: "PASS figure-b.yaml: all 4 expectations hold (10m simulated)", emptyErr: true},
		{name: "run packets", args: []string{"run", "--packets"}, code: exitOK, stdout: []string{"MAIL FROM:<lisa@otherisp.com>", "expectations:"},
			stdoutLast: "PASS figure-b.yaml: all 4 expectations hold (10m simulated)", emptyErr: true},
		{name: "run bad proto", args: []string{"run", "--proto", "gopher"}, code: exitUsage, stderr: []string{`unknown protocol "gopher"`}},
		{name: "run bad summary", args: []string{"run", "--summary", "xml"}, code: exitUsage, stderr: []string{"--summary"}},
		{name: "run tcp without packets", args: []string{"run", "--tcp"}, code: exitUsage, stderr: []string{"--tcp applies to --packets"}},
		{name: "show mailbox", args: []string{"show", "figure-b", "--mailbox", "bob@comentum.com", "--at", "20s"}, code: exitOK,
			stdout: []string{"at 20s:", "mailbox bob@comentum.com (bob on comentum): 1 message", `M1  1.05s`, `"Lunch?"`}, emptyErr: true},
		{name: "show message", args: []string{"show", "figure-b", "--at", "20s", "--message", "M1"}, code: exitOK,
			stdout: []string{"message M1, in bob's mailbox at comentum:", "Received: from smtp.otherisp.com ([198.51.100.25])\n\tby smtp.comentum.com with ESMTP", "Received: from lisa-pc", "Subject: Lunch?"}, emptyErr: true},
		{name: "show bounce", args: []string{"show", "unknown-recipient", "--message", "M2", "--at", "50s"}, code: exitOK,
			stdout: []string{"Subject: Undelivered Mail Returned to Sender", "550 5.1.1 <nobody@comentum.com>", "Final-Recipient: rfc822; nobody@comentum.com"}, emptyErr: true},
		{name: "show queue and journey", args: []string{"show", "server-down", "--at", "2m", "--queue", "smtp.otherisp.com", "--journey", "M1"}, code: exitOK,
			stdout: []string{"queue of smtp.otherisp.com: 1 message", "0D5A4C2735  M1", "journey of M1", "retry in 5m"}, emptyErr: true},
		{name: "show dns", args: []string{"show", "--dns", "ns.otherisp.com"}, code: exitOK, stdout: []string{"MX 10 smtp.otherisp.com.", "resolver cache:"}},
		{name: "show nothing", args: []string{"show", "figure-b"}, code: exitUsage, stderr: []string{"say what to show"}},
		{name: "show bad flag", args: []string{"show", "--bogus"}, code: exitUsage, stderr: []string{"flag provided but not defined"}},
		{name: "show bad at", args: []string{"show", "--at", "soon", "--mailbox", "bob@comentum.com"}, code: exitUsage, stderr: []string{"not a duration"}},
		{name: "show unknown message", args: []string{"show", "--message", "M9"}, code: exitUsage, stderr: []string{"no message M9"}},
		{name: "run days", args: []string{"run", "days/day.yaml"}, code: exitOK, stdout: []string{"1d        ", "Bob presses Send/Recv", "by 1d 00:01:00: ok (at 1d)"},
			stdoutLast: "PASS days/day.yaml: all 2 expectations hold (1d 12:00:00 simulated)"},
		{name: "run summary json", args: []string{"run", "--summary", "json"}, code: exitOK, emptyErr: true,
			stdout:   []string{`"scenario": "figure-b.yaml"`, `"passed": true`, `"id": "M1"`, `"downloaded_us": 30084758`, `"hops": 4`, `"status": "downloaded"`},
			noStdout: []string{"expectations:", "Lisa writes"}},
		{name: "run story filtered", args: []string{"run", "--proto", "dns,lmtp"}, code: exitOK,
			stdout: []string{"  4  0.24s", "MX 10 smtp.comentum.com", "over LMTP"}, noStdout: []string{"Lisa's mail program hands", "downloads"}},
		{name: "run packets filtered", args: []string{"run", "--packets", "--host", "bob-pc"}, code: exitOK,
			stdout: []string{"RETR 1", "bob's mail program: 1 new"}, noStdout: []string{"MAIL FROM", "[SYN]"}},
		{name: "run until a day", args: []string{"run", "--quiet", "--until", "1d", "figure-b"}, code: exitOK, stdoutLast: "PASS figure-b.yaml: all 4 expectations hold (1d simulated)"},
		{name: "run by name", args: []string{"run", "--quiet", "figure-a"}, code: exitOK, stdoutLast: "PASS figure-a.yaml: all 4 expectations hold (10m simulated)"},
		{name: "run by file name", args: []string{"run", "figure-a.yaml", "--quiet"}, code: exitOK, stdout: []string{"PASS figure-a.yaml"}},
		{name: "run quiet", args: []string{"run", "--quiet"}, code: exitOK, stdout: []string{"expectations:"}, noStdout: []string{"MAIL FROM", " tcp ", " udp "}},
		{name: "run file passes", args: []string{"run", "--quiet", "pass.yaml"}, code: exitOK, stdoutLast: "PASS pass.yaml: all 2 expectations hold (10m simulated)"},
		{name: "run file fails", args: []string{"run", "fail.yaml"}, code: exitFail,
			stdout: []string{"FAIL fail.yaml: 1 of 2 expectations failed", "fail.yaml:13:5: downloaded by bob-pc", "FAILED ("}},
		{name: "run until too early", args: []string{"run", "--quiet", "--until", "20s", "pass.yaml"}, code: exitFail,
			stdout: []string{"FAIL pass.yaml: 1 of 2 expectations failed (20s simulated)"}},
		{name: "run negative until", args: []string{"run", "--until", "-1s"}, code: exitUsage, stderr: []string{"flag -until: must not be negative"}},
		{name: "run invalid", args: []string{"run", "broken.yaml"}, code: exitUsage, stderr: []string{"broken.yaml:5:", "broken.yaml:7:", "broken.yaml:9:"}, emptyOut: true},
		{name: "run directory", args: []string{"run", "."}, code: exitUsage, stderr: []string{"is a directory"}},
		{name: "validate ok", args: []string{"validate", "pass.yaml", "figure-a"}, code: exitOK, stdout: []string{"ok pass.yaml\n", "ok figure-a.yaml\n"}, emptyErr: true},
		{name: "validate none", args: []string{"validate"}, code: exitUsage, stderr: []string{"name at least one scenario file"}},
		{name: "validate missing", args: []string{"validate", "nosuch.yaml"}, code: exitUsage, stderr: []string{"nosuch.yaml: no such file"}},
		{name: "test dir", args: []string{"test", "."}, code: exitFail,
			stdout:     []string{"FAIL broken.yaml (invalid scenario)\n    broken.yaml:", "FAIL fail.yaml (1 of 2 expectations failed, 10m simulated, ", "    fail.yaml:13:5: downloaded", "PASS pass.yaml (2 expectations, 10m simulated, "},
			stdoutLast: "1 passed, 2 failed"},
		{name: "test files", args: []string{"test", "pass.yaml", "figure-b"}, code: exitOK, stdoutLast: "2 passed, 0 failed"},
		{name: "test empty dir", args: []string{"test", t.TempDir()}, code: exitUsage, stderr: []string{"no *.yaml scenario files"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mailsim(t, dir, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, tail(r.stdout, 1500), r.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, tail(r.stdout, 3000))
				}
			}
			for _, s := range tt.noStdout {
				if strings.Contains(r.stdout, s) {
					t.Errorf("stdout has %q", s)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if tt.emptyOut && r.stdout != "" {
				t.Errorf("stdout not empty:\n%s", r.stdout)
			}
			if tt.emptyErr && r.stderr != "" {
				t.Errorf("stderr not empty:\n%s", r.stderr)
			}
			if tt.stdoutLast != "" {
				lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
				if last := lines[len(lines)-1]; last != tt.stdoutLast {
					t.Errorf("last line %q, want %q", last, tt.stdoutLast)
				}
			}
			for _, s := range []string{"goroutine ", "panic:", ".go:"} {
				if strings.Contains(r.stderr, s) {
					t.Errorf("stderr looks like a Go stack trace (%q):\n%s", s, r.stderr)
				}
			}
		})
	}
}

// TestValidateListsAllErrors: every error of a broken file, each in
// file:line:col: message form, and nothing else.
func TestValidateListsAllErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "broken.yaml", broken)
	writeFile(t, dir, "pass.yaml", passing)
	r := mailsim(t, dir, "validate", "broken.yaml", "pass.yaml")
	if r.code != exitUsage {
		t.Fatalf("exit %d, want %d", r.code, exitUsage)
	}
	if r.stdout != "ok pass.yaml\n" {
		t.Errorf("stdout %q, want only ok pass.yaml", r.stdout)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("want at least 3 errors, got:\n%s", r.stderr)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if !posRE.MatchString(l) {
			t.Errorf("not in file:line:col: form: %q", l)
		}
		seen[strings.SplitN(l, ":", 3)[1]] = true
	}
	for _, line := range []string{"5", "7", "9"} {
		if !seen[line] {
			t.Errorf("no error on line %s:\n%s", line, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, `did you mean "delivered"?`) {
		t.Errorf("no hint for the misspelt expectation:\n%s", r.stderr)
	}
}

func TestJUnit(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "pass.yaml", passing)
	writeFile(t, dir, "fail.yaml", failing)
	writeFile(t, dir, "broken.yaml", broken)
	report := filepath.Join(dir, "report.xml")
	r := mailsim(t, dir, "test", "--junit", report, "pass.yaml", "fail.yaml", "broken.yaml")
	if r.code != exitFail {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("report is not well-formed XML: %v\n%s", err, data)
	}
	if doc.Tests != 3 || doc.Failures != 2 || doc.Errors != 0 || len(doc.Suites) != 1 {
		t.Fatalf("testsuites tests=%d failures=%d errors=%d suites=%d", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Tests != 3 || s.Failures != 2 || len(s.Cases) != 3 {
		t.Fatalf("testsuite tests=%d failures=%d cases=%d", s.Tests, s.Failures, len(s.Cases))
	}
	byName := map[string]junitCase{}
	for _, c := range s.Cases {
		byName[c.Name] = c
	}
	if c := byName["pass.yaml"]; c.Failure != nil || c.Error != nil || !strings.Contains(c.SystemOut, ": ok (") {
		t.Errorf("pass.yaml: %+v", c)
	}
	if c := byName["fail.yaml"]; c.Failure == nil || c.Failure.Type != "expectation" ||
		!strings.Contains(c.Failure.Message, "1 of 2 expectations failed: fail.yaml:13:5: downloaded") {
		t.Errorf("fail.yaml: %+v", c.Failure)
	}
	if c := byName["broken.yaml"]; c.Failure == nil || c.Failure.Type != "invalid" || !strings.Contains(c.Failure.Text, "broken.yaml:9:") {
		t.Errorf("broken.yaml: %+v", c.Failure)
	}
	// Round trip: what we read back marshals to the same document.
	again, err := junitReportFrom(doc)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("round trip changed the report:\n%s\nvs\n%s", data, again)
	}
}

func junitReportFrom(doc junitSuites) ([]byte, error) {
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// TestSeedChangesRun: --seed replaces the scenario's seed (ports and
// sequence numbers change), and the same seed gives the same trace.
func TestSeedChangesRun(t *testing.T) {
	a := mailsim(t, "", "run", "--seed", "99")
	b := mailsim(t, "", "run", "--seed", "99")
	c := mailsim(t, "", "run")
	if a.code != 0 || b.code != 0 || c.code != 0 {
		t.Fatalf("exits %d %d %d", a.code, b.code, c.code)
	}
	if a.stdout != b.stdout {
		t.Error("same seed, different traces")
	}
	if a.stdout == c.stdout {
		t.Error("--seed 99 gave the same trace as the scenario's seed")
	}
}

// panicWriter fails like a broken stdout would if it panicked.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("stdout exploded") }

// TestPanicBecomesOneLine: a panic is reported as one line and exit 3.
func TestPanicBecomesOneLine(t *testing.T) {
	var errb strings.Builder
	c := &cli{stdout: panicWriter{}, stderr: &errb}
	if code := c.main([]string{"validate", "figure-b"}); code != exitSim {
		t.Fatalf("exit %d, want %d", code, exitSim)
	}
	if got := errb.String(); got != "mailsim: internal error: stdout exploded\n" {
		t.Errorf("stderr %q", got)
	}
}

// TestInProcess covers the command code under the race detector.
func TestInProcess(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "r.xml")
	r := inProcess("test", "--junit", junit, "figure-b", "relay-denied")
	if r.code != exitOK || !strings.HasSuffix(r.stdout, "2 passed, 0 failed\n") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = inProcess("run", "--quiet", "--trace", filepath.Join(dir, "t.jsonl"), "--pcap", filepath.Join(dir, "t.pcap"), "figure-a")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = inProcess("run", "--pcap", filepath.Join(dir, "no", "such", "dir.pcap"))
	if r.code != exitUsage || !strings.Contains(r.stderr, "no such file or directory") {
		t.Errorf("unwritable pcap: exit %d %q", r.code, r.stderr)
	}
}
