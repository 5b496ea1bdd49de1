package service

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's service table")

// TestTable checks what every entry must have.
func TestTable(t *testing.T) {
	keys := map[string]Kind{}
	for _, s := range All() {
		if s.Name == "" || s.RFC == "" || s.Role == "" || s.Legend == "" || len(s.Ports) == 0 || s.Caption == nil {
			t.Errorf("%s: incomplete entry %+v", s.Kind, *s)
		}
		for _, p := range s.Ports {
			if p.Transport != "tcp" && p.Transport != "udp" {
				t.Errorf("%s: transport %q", s.Kind, p.Transport)
			}
			if ByPort(p.Num) != s {
				t.Errorf("port %d is not %s's", p.Num, s.Kind)
			}
		}
		if len(s.Key) != 1 || s.Key < "1" || s.Key > "9" {
			t.Errorf("%s: filter key %q is not a digit key", s.Kind, s.Key)
		}
		if o, dup := keys[s.Key]; dup {
			t.Errorf("%s and %s share filter key %s", o, s.Kind, s.Key)
		}
		keys[s.Key] = s.Kind
		if s.PartOf != "" {
			if p, ok := Lookup(s.PartOf); !ok || p.PartOf != "" {
				t.Errorf("%s runs as part of %q, which is not a listed service", s.Kind, s.PartOf)
			}
		}
	}
	if got := Order([]Kind{DNS, SMTP, LMTP}); strings.Join([]string{string(got[0]), string(got[1]), string(got[2])}, ",") != "smtp,lmtp,dns" {
		t.Errorf("Order: %v", got)
	}
}

// TestCaptions spot-checks one sentence per protocol.
func TestCaptions(t *testing.T) {
	tests := []struct {
		t    Talk
		want string
	}{
		{Talk{Kind: Submission, Summary: "MAIL FROM:<lisa@otherisp.com>", From: "Lisa's mail program", To: "otherisp's SMTP server", Client: true, FromPC: true, Port: 587},
			"Lisa's mail program hands the message to otherisp's SMTP server on the submission port, TCP 587 (from lisa@otherisp.com)."},
		{Talk{Kind: Submission, Summary: "530 5.7.0 Authentication required", From: "otherisp's SMTP server", Port: 587},
			"otherisp's SMTP server wants a login first (530 5.7.0 Authentication required)."},
		{Talk{Kind: POP3, Summary: "RETR 1", From: "Bob's mail program", Client: true, Port: 110},
			"Bob's mail program downloads message 1 over port 110."},
		{Talk{Kind: DNS, Summary: "MX comentum.com → 10 smtp.comentum.com", From: "comentum's DNS server", Port: 53},
			"comentum's DNS server answers: mail for comentum.com goes to smtp.comentum.com."},
	}
	for _, tc := range tests {
		if got := Of(tc.t.Kind).Caption(tc.t); got != tc.want {
			t.Errorf("%s %q:\n got %s\nwant %s", tc.t.Kind, tc.t.Summary, got, tc.want)
		}
	}
}

// TestREADME keeps the README's table of services equal to the table;
// go test -update rewrites it.
func TestREADME(t *testing.T) {
	const path = "../../README.md"
	const begin, end = "<!-- services: made from servers/service; go test ./servers/service -update -->\n", "<!-- /services -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q block", strings.TrimSpace(begin), end)
	}
	want := s[:i+len(begin)] + Markdown() + s[j:]
	if want == s {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's service table differs from the service table; run go test ./servers/service -update")
}
