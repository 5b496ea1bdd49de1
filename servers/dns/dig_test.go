package dns

import (
	"fmt"
	"net/netip"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"mailsim/internal/testtool"
)

// dig runs dig from bind9-dnsutils against server and returns its output.
func dig(t *testing.T, server netip.AddrPort, args ...string) string {
	t.Helper()
	path := testtool.Require(t, "dig")
	all := append([]string{"@" + server.Addr().String(), "-p", fmt.Sprint(server.Port()),
		"+time=2", "+tries=1"}, args...)
	out, err := exec.Command(path, all...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(all, " "), err, out)
	}
	return string(out)
}

var flagsRE = regexp.MustCompile(`;; flags: ([a-z ]*);`)

// digHeader pulls status and flags from dig's ->>HEADER<<- lines.
func digHeader(t *testing.T, out string) (status, flags string) {
	t.Helper()
	m := regexp.MustCompile(`status: ([A-Z]+)`).FindStringSubmatch(out)
	f := flagsRE.FindStringSubmatch(out)
	if m == nil || f == nil {
		t.Fatalf("no header in dig output:\n%s", out)
	}
	return m[1], f[1]
}

// answers lists the answer-section lines of dig +noall +answer output,
// with whitespace normalised.
func answers(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" && !strings.HasPrefix(l, ";") {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestDigAuthoritative(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		args    []string
		status  string
		flags   string
		answers []string
	}{
		{[]string{"comentum.com", "MX", "+norec"}, "NOERROR", "qr aa", []string{
			"comentum.com. 3600 IN MX 10 smtp.comentum.com.",
			"comentum.com. 3600 IN MX 20 backup-mx.otherisp.com."}},
		{[]string{"smtp.comentum.com", "A", "+norec"}, "NOERROR", "qr aa", []string{
			"smtp.comentum.com. 3600 IN A 10.1.0.25"}},
		{[]string{"nosuch.comentum.com", "A", "+norec"}, "NXDOMAIN", "qr aa", nil},
		{[]string{"comentum.com", "AAAA"}, "NOERROR", "qr aa rd", nil},
		{[]string{"x.lab.comentum.com", "A", "+norec"}, "NOERROR", "qr", nil},
		{[]string{"example.org", "A", "+norec"}, "REFUSED", "qr", nil},
		{[]string{"comentum.com", "MX", "+norec", "+tcp"}, "NOERROR", "qr aa", []string{
			"comentum.com. 3600 IN MX 10 smtp.comentum.com.",
			"comentum.com. 3600 IN MX 20 backup-mx.otherisp.com."}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out := dig(t, w.comentumAddr, tt.args...)
			status, flags := digHeader(t, out)
			if status != tt.status || flags != tt.flags {
				t.Errorf("status %s flags %q, want %s %q\n%s", status, flags, tt.status, tt.flags, out)
			}
			if tt.answers != nil {
				got := answers(dig(t, w.comentumAddr, append(tt.args, "+noall", "+answer")...))
				if strings.Join(got, "\n") != strings.Join(tt.answers, "\n") {
					t.Errorf("answers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.answers, "\n"))
				}
			}
		})
	}
	// The referral carries the child's NS and glue.
	out := dig(t, w.comentumAddr, "x.lab.comentum.com", "A", "+norec", "+noall", "+authority", "+additional")
	if !strings.Contains(out, "lab.comentum.com.\t3600\tIN\tNS\tns.lab.comentum.com.") ||
		!strings.Contains(out, "ns.lab.comentum.com.\t3600\tIN\tA\t10.1.9.53") {
		t.Errorf("referral:\n%s", out)
	}
}

func TestDigRecursion(t *testing.T) {
	w := newWorld(t)
	out := dig(t, w.resolverAddr, "smtp.otherisp.com", "A")
	if status, flags := digHeader(t, out); status != "NOERROR" || flags != "qr rd ra" {
		t.Errorf("status %s flags %q\n%s", status, flags, out)
	}
	if got := answers(dig(t, w.resolverAddr, "webmail.comentum.com", "+noall", "+answer")); strings.Join(got, "\n") !=
		"webmail.comentum.com. 3600 IN CNAME www.otherisp.com.\nwww.otherisp.com. 3600 IN A 10.2.0.80" {
		t.Errorf("CNAME chased across zones:\n%s", strings.Join(got, "\n"))
	}
	// The walk went root → otherisp, then root → comentum → root(cached) → otherisp.
	if s := w.resolver.Stats(); s.Upstream != 5 {
		t.Errorf("%+v", s)
	}
	out = dig(t, w.resolverAddr, "nosuch.otherisp.com", "MX")
	if status, _ := digHeader(t, out); status != "NXDOMAIN" || !strings.Contains(out, "IN\tSOA\tns.otherisp.com.") {
		t.Errorf("NXDOMAIN through the resolver:\n%s", out)
	}
	// The root refers comentum.com to its own name server.
	out = dig(t, w.rootAddr, "comentum.com", "NS", "+norec")
	if status, flags := digHeader(t, out); status != "NOERROR" || flags != "qr" ||
		!strings.Contains(out, "comentum.com.\t\t172800\tIN\tNS\tns.comentum.com.") {
		t.Errorf("root referral:\n%s", out)
	}
}

func TestDigTruncation(t *testing.T) {
	w := newWorld(t)
	// +ignore keeps the truncated UDP reply.
	out := dig(t, w.comentumAddr, "big.comentum.com", "TXT", "+norec", "+ignore", "+noedns")
	if _, flags := digHeader(t, out); flags != "qr aa tc" {
		t.Errorf("flags %q, want tc set\n%s", flags, out)
	}
	if n := strings.Count(out, "\tTXT\t"); n == 0 || n >= 40 {
		t.Errorf("truncated UDP reply holds %d of 40 TXT records", n)
	}
	out = dig(t, w.comentumAddr, "big.comentum.com", "TXT", "+norec", "+ignore")
	if _, flags := digHeader(t, out); flags != "qr aa tc" || !strings.Contains(out, "; EDNS: version: 0, flags:; udp: 1232") {
		t.Errorf("EDNS reply: flags %q\n%s", flags, out)
	}
	// Without +ignore dig retries over TCP by itself.
	for _, args := range [][]string{{}, {"+tcp"}} {
		out := dig(t, w.comentumAddr, append([]string{"big.comentum.com", "TXT", "+norec"}, args...)...)
		if _, flags := digHeader(t, out); flags != "qr aa" || strings.Count(out, "\tTXT\t") != 40 {
			t.Errorf("%v: flags %q, %d TXT records\n%s", args, flags, strings.Count(out, "\tTXT\t"), out)
		}
	}
	// The resolver does the same upstream and must truncate for its client.
	out = dig(t, w.resolverAddr, "big.comentum.com", "TXT", "+ignore")
	if _, flags := digHeader(t, out); flags != "qr tc rd ra" {
		t.Errorf("resolver UDP: flags %q", flags)
	}
	if out = dig(t, w.resolverAddr, "big.comentum.com", "TXT"); strings.Count(out, "\tTXT\t") != 40 {
		t.Errorf("resolver TCP: %d TXT records", strings.Count(out, "\tTXT\t"))
	}
}
