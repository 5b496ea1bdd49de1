package world

import (
	"math/rand"
	"regexp"
	"testing"
)

// TestShortReply compares shortReply with the expression it replaces,
// on replies near the edges of the enhanced status code's shape.
func TestShortReply(t *testing.T) {
	re := regexp.MustCompile(`^([2-5]\d\d) [245]\.\d{1,3}\.\d{1,3} `)
	pieces := []string{"2", "4", "5", "1", "6", "0", "9", "250", " ", ".", "a", "2.0.0", "Ok", "1234", ":"}
	rnd := rand.New(rand.NewSource(6))
	cases := []string{"250 2.0.0 Ok: queued as 0D5A4C2735", "550 5.1.1 <bob@x>: Recipient address rejected", "250 Ok",
		"421 4.4.2 Timeout", "250 2.0.0", "250 2.0.0 ", "250 2.000.0 x", "250 2.0.0000 x", "250 3.0.0 x", ""}
	for range 100000 {
		r := ""
		for n := rnd.Intn(10); n > 0; n-- {
			r += pieces[rnd.Intn(len(pieces))]
		}
		cases = append(cases, r)
	}
	for _, r := range cases {
		if got, want := shortReply(r), re.ReplaceAllString(r, "$1 "); got != want {
			t.Fatalf("%q: %q, want %q", r, got, want)
		}
	}
}

// FuzzShortReply compares shortReply with the expression it replaced on
// any reply.
func FuzzShortReply(f *testing.F) {
	re := regexp.MustCompile(`^([2-5]\d\d) [245]\.\d{1,3}\.\d{1,3} `)
	for _, r := range []string{"250 2.0.0 Ok: queued as 0D5A4C2735", "550 5.1.1 <bob@x>: no", "250 Ok", "421 4.4.2 ", "250 2.000.0 x"} {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, r string) {
		if got, want := shortReply(r), re.ReplaceAllString(r, "$1 "); got != want {
			t.Fatalf("%q: %q, want %q", r, got, want)
		}
	})
}
