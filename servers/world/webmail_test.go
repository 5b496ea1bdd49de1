package world

import (
	"strings"
	"testing"

	"io/fs"
	"mailsim/scenarios"
	"mailsim/sim/scenario"
)

// TestWebMailExpectationsCanFail: the same web-mail run, with
// expectations that contradict it, reports each of them as failed.
func TestWebMailExpectationsCanFail(t *testing.T) {
	data, err := fs.ReadFile(scenarios.FS, "web-mail.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data) + `
  - {seen: {of: bob@comentum.com, subject: "Dinner on Friday?"}, at: 59s}
  - {seen: {of: bob@comentum.com, seen: false}, at: 90s}
  - {http_reply: {status: 404, client: library-pc}}
  - {http_reply: {status: 200, path: /compose}, by: 2m}
  - {imap_reply: {status: BAD}}
  - {imap_reply: {status: "NO", client: bob-pc}}
`
	sc, err := scenario.Parse("web-mail.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rt := buildScenario(t, sc)
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	res := rt.Results()
	n := len(res)
	for i, r := range res {
		if wantOK := i < n-6; r.OK != wantOK {
			t.Errorf("%s: ok=%v, want %v", r, r.OK, wantOK)
		}
	}
	if d := res[n-6].Detail; !strings.Contains(d, "no matching message") {
		t.Errorf("seen before Bob read it: %q", d)
	}
}
