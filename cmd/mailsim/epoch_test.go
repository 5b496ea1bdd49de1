package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailsim/scenarios"
)

// linkCut is figure-b with Comentum's uplink cut while the relay waits
// for the reply to its message, for longer than go-smtp's 5-minute
// CommandTimeout: deadlines of the relay's go-smtp client, of the
// receiving go-smtp server (DATA) and of DNS queries all fire.
const linkCut = `title: Figure B with Comentum cut off
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
  bob-pc: {user: bob@comentum.com}
until: 14m
timeline:
  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: "Lunch?", body: "Are you free for lunch on Friday?"}}
  - {at: 0.95s, link_down: [comentum-router, internet]}
  - {at: 4m, link_up: [comentum-router, internet]}
  - {at: 12m, check: bob-pc}
expect:
  - {delivered: {to: bob@comentum.com, subject: "Lunch?"}, after: 4m, by: 12m}
  - {downloaded: {host: bob-pc, subject: "Lunch?"}, by: 13m}
`

// The dates the servers and the mail program write follow the epoch:
// Date and Received (RFC 5322 §3.3) and the stamp that starts a
// Message-ID.
var (
	rfc1123Date = regexp.MustCompile(`(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}`)
	msgIDStamp  = regexp.MustCompile(`<\d{14}\.`)
)

// undated is s with the epoch's dates replaced by placeholders.
func undated(s string) string {
	return msgIDStamp.ReplaceAllString(rfc1123Date.ReplaceAllString(s, "DATE"), "<STAMP.")
}

// undatedJSONL is a JSON Lines trace undated, payloads decoded first.
func undatedJSONL(t *testing.T, js []byte) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(js)), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if p, ok := ev["payload"].(string); ok {
			raw, err := base64.StdEncoding.DecodeString(p)
			if err != nil {
				t.Fatal(err)
			}
			ev["payload"] = undated(string(raw))
		}
		out, _ := json.Marshal(ev)
		b.WriteString(undated(string(out)) + "\n")
	}
	return b.String()
}

// TestEpochIndependence runs a scenario with its epoch at the default,
// at the wall clock's now, and 5 minutes either side of it (where telling
// the wall clock from the virtual one by which is nearer went wrong).
// Apart from the dates in message headers, the text and JSON traces must
// be the same: no deadline may depend on the wall clock.
func TestEpochIndependence(t *testing.T) {
	figB, err := scenarios.FS.ReadFile(scenarios.Default)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second) // the epochs under test sit at the wall clock
	epochs := []struct{ name, line string }{
		{"default", ""},
		{"now", "epoch: " + now.Format(time.RFC3339) + "\n"},
		{"now+5m", "epoch: " + now.Add(5*time.Minute).Format(time.RFC3339) + "\n"},
		{"now-5m", "epoch: " + now.Add(-5*time.Minute).Format(time.RFC3339) + "\n"},
	}
	for _, sc := range []struct{ name, yaml, mustSay string }{
		{"figure-b", string(figB), "bob's mail program: 1 new"},
		{"link-cut", linkCut, "while sending DATA: i/o timeout"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			var first, firstName string
			for _, ep := range epochs {
				dir := t.TempDir()
				// The epoch goes last, so the expectations keep their lines.
				path := writeFile(t, dir, sc.name+".yaml", sc.yaml+ep.line)
				jsonl := filepath.Join(dir, "trace.jsonl")
				r := inProcess("run", "--trace", jsonl, "--trace-payload", path)
				if r.code != exitOK {
					t.Fatalf("epoch %s: exit %d\nstderr: %s\nstdout tail: %s", ep.name, r.code, r.stderr, tail(r.stdout, 3000))
				}
				js, err := os.ReadFile(jsonl)
				if err != nil {
					t.Fatal(err)
				}
				got := undated(strings.ReplaceAll(r.stdout, path, sc.name+".yaml")) + undatedJSONL(t, js)
				if !strings.Contains(got, sc.mustSay) {
					t.Fatalf("epoch %s: the trace never says %q", ep.name, sc.mustSay)
				}
				if first == "" {
					first, firstName = got, ep.name
					continue
				}
				if got != first {
					t.Errorf("epoch %s differs from epoch %s; first difference:\n%s", ep.name, firstName, firstDiff(first, got))
				}
			}
		})
	}
}
