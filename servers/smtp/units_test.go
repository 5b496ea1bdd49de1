package smtp

import (
	"errors"
	"testing"
	"time"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"bob@comentum.com", "bob@comentum.com", nil},
		{"Bob.Smith+tag@HisCompany.COM.", "Bob.Smith+tag@hiscompany.com", nil},
		{"bob", "", errNoAt},
		{".bob@comentum.com", "", errLocalPart},
		{"b b@comentum.com", "", errLocalPart},
		{"bob@comentum..com", "", errDomainName},
		{"bob@[127.0.0.1]", "", errDomainName},
		{"bob@xn--bcher-kva.example", "bob@xn--bcher-kva.example", nil},
		{"böb@comentum.com", "", errLocalPart},
		{string(make([]byte, 65)) + "@x.com", "", errTooLongAddr},
	}
	for _, tc := range tests {
		a, err := parseAddress(tc.in)
		if !errors.Is(err, tc.err) || (err == nil && a.String() != tc.want) {
			t.Errorf("parseAddress(%q) = %q, %v; want %q, %v", tc.in, a, err, tc.want, tc.err)
		}
	}
}

func TestSplitMessage(t *testing.T) {
	tests := []struct {
		name, in, header, body string
	}{
		{"normal", "A: 1\r\nB: 2\r\n\r\nbody\r\n", "A: 1\r\nB: 2\r\n", "body\r\n"},
		{"folded field", "A: 1\r\n\tmore\r\n\r\nbody", "A: 1\r\n\tmore\r\n", "body"},
		{"no header", "just text\r\n", "", "just text\r\n"},
		{"continuation first", " x\r\nA: 1\r\n", "", " x\r\nA: 1\r\n"},
		{"no blank line", "A: 1\r\nnot a field\r\n", "A: 1\r\n", "not a field\r\n"},
		{"header only", "A: 1\r\n", "A: 1\r\n", ""},
		{"empty", "", "", ""},
	}
	for _, tc := range tests {
		h, b := splitMessage([]byte(tc.in))
		if string(h) != tc.header || string(b) != tc.body {
			t.Errorf("%s: got %q | %q, want %q | %q", tc.name, h, b, tc.header, tc.body)
		}
	}
}

func TestBackoff(t *testing.T) {
	s := &Server{cfg: Config{RetryInitial: time.Minute, RetryMax: 15 * time.Minute}}
	want := []string{"1m", "2m", "4m", "8m", "15m", "15m"}
	for i, w := range want {
		if got := fmtDuration(s.backoff(i + 1)); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	if got := fmtDuration(90 * time.Minute); got != "1h30m" {
		t.Errorf("fmtDuration(90m) = %s", got)
	}
}
