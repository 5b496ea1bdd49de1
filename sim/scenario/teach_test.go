package scenario

import (
	"errors"
	"strings"
	"testing"
)

// One root cause gives one error: a PC whose address is in a domain no
// ISP serves is reported there, not again wherever the PC is named; a
// key indented one level too little is named as such; a tab as a tab.
func TestOneCauseOneError(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"broken PC", `isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  shopnet: {domain: shop.com, users: {dave: pw}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
  dave-pc: {user: dave@shop.cmo}
timeline:
  - {at: 0s, send: {from: dave@shop.cmo, to: lisa@otherisp.com, subject: Yo}}
  - {at: 30s, check: dave-pc}
expect:
  - {downloaded: {host: dave-pc, subject: Hi}}
  - {path: {subject: Hi, hosts: [lisa-pc, dave-pc]}}
`, `x.yaml:6:19: no ISP serves domain shop.cmo (did you mean "shop.com"?)`},
		{"indentation slip", `isps:
  otherisp:
    domain: otherisp.com
  users: {lisa: secret1}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
expect:
  - {downloaded: lisa-pc}
`, `x.yaml:4:3: users: is read as an ISP of its own ("users" is a key of an ISP: indent it as far as the other keys of the ISP above it)`},
		{"tab", "isps:\n  otherisp: {domain: otherisp.com}\nhosts:\n\tlisa-pc: {isp: otherisp}\nexpect:\n  - {mailbox: {of: a@otherisp.com, count: 0}}\n",
			`x.yaml:4:1: a tab indents line 4 (YAML indents with spaces only: replace the tab with spaces, e.g. two per level)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(c.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("got %v, want one error", err)
			}
			if got := list.Error(); got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// Expectations that can never hold are warnings: the file is valid.
func TestWarnings(t *testing.T) {
	src := `isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
  bob-pc: {user: bob@comentum.com}
  carol-pc: {user: bob@comentum.com}
timeline:
  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: "Lunch?"}}
  - {at: 5m, check: carol-pc}
expect:
  - {downloaded: {host: bob-pc, subject: "Lunch?"}}
  - {delivered: {to: bob@comentum.com, subject: "Lunch"}}
  - {path: {subject: "Lunch?", hosts: [lisa-pc, bob-pc]}}
  - {downloaded: {host: carol-pc}, by: 1m}
  - {downloaded: {host: lisa-pc, subject: "Undelivered Mail Returned to Sender"}}
`
	sc, err := Parse("w.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"w.yaml:12:5: bob-pc never checks mail",
		"w.yaml:13:5: no send in the timeline has subject \"Lunch\", so this can never hold (did you mean \"Lunch?\"?)",
		"w.yaml:14:5: the path ends at bob-pc, which never checks mail",
		"w.yaml:15:5: carol-pc checks mail only after 1m (by:)",
		"w.yaml:16:5: lisa-pc never checks mail",
	}
	got := sc.Warnings.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("warnings lack %q:\n%s", w, got)
		}
	}
	if len(sc.Warnings) != len(want) {
		t.Errorf("%d warnings, want %d:\n%s", len(sc.Warnings), len(want), got)
	}
}
