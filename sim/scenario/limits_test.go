package scenario

import (
	"fmt"
	"math/rand"
	"net/netip"
	"strings"
	"testing"
)

// levenshtein is the plain full-table edit distance, the reference for
// the banded one didYouMean uses.
func levenshtein(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// TestBoundedDistance checks the banded distance against the full one
// on random short strings over a small alphabet, where near misses are
// common.
func TestBoundedDistance(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	word := func() string {
		b := make([]byte, rng.Intn(8))
		for i := range b {
			b[i] = "abAB-é"[rng.Intn(5)]
		}
		return string(b)
	}
	var e editor
	for range 20000 {
		a, b := word(), word()
		limit := rng.Intn(4) - 1
		want := min(levenshtein(a, b), limit+1)
		work := -1
		if got := e.distance(e.lower(nil, a), b, limit, &work); got != want {
			t.Fatalf("distance(%q, %q, limit %d) = %d, want %d", a, b, limit, got, want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	hosts := []string{"bob-pc", "lisa-pc", "smtp.comentum.com", "internet"}
	for _, c := range []struct{ in, want string }{
		{"bobpc", `did you mean "bob-pc"?`},
		{"BOB-PC", `did you mean "bob-pc"?`},
		{"smtp.comentum.co", `did you mean "smtp.comentum.com"?`},
		{"lisa-pc", `did you mean "lisa-pc"?`},
		{"zz", ""},
		{"b", ""},
		{strings.Repeat("x", 100000), ""},
	} {
		if got := didYouMean(c.in, hosts); got != c.want {
			t.Errorf("didYouMean(%.20q) = %q, want %q", c.in, got, c.want)
		}
	}
	// With the work used up, no hint.
	work := 0
	if got := closest("bobpc", hosts, &work); got != "" {
		t.Errorf("closest without work = %q", got)
	}
}

// TestPrefixSet checks overlap lookups against comparing every pair.
func TestPrefixSet(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var s prefixSet
	var added []netip.Prefix
	for range 3000 {
		a := netip.AddrFrom4([4]byte{10, byte(rng.Intn(4)), byte(rng.Intn(4)), 0})
		p, _ := a.Prefix(8 + rng.Intn(17))
		var want netip.Prefix
		for _, q := range added {
			if q.Overlaps(p) {
				want = q
				break
			}
		}
		got, ok := s.overlap(p)
		if ok != want.IsValid() || got != want {
			t.Fatalf("overlap(%s) = %s, %v; want the first added that overlaps, %s", p, got, ok, want)
		}
		s.add(p)
		added = append(added, p)
	}
}

// TestTooManyErrors checks that errors past maxErrors are counted in one
// last line instead of listed.
func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(base + okExpect + "timeline:\n")
	for i := range maxErrors + 50 {
		fmt.Fprintf(&b, "  - {at: 1s, check: nobody%d}\n", i)
	}
	_, err := Parse("m.yaml", []byte(b.String()))
	list, _ := err.(ErrorList)
	if len(list) != maxErrors+1 {
		t.Fatalf("got %d errors, want %d", len(list), maxErrors+1)
	}
	want := fmt.Sprintf("m.yaml:%d:21: too many errors: 50 more not shown, the first of them here (fix the errors above first)", 10+maxErrors+1)
	if got := list[maxErrors].Error(); got != want {
		t.Fatalf("last error\n got %s\nwant %s", got, want)
	}
}

// TestLimits checks the documented limits on what a scenario may hold.
func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("isps:\n")
	for i := range limits["ISPs"] + 2 {
		fmt.Fprintf(&b, "  i%d: {domain: d%d.com, prefix: 10.%d.%d.0/24}\n", i, i, i/256, i%256)
	}
	b.WriteString(okExpect)
	_, err := Parse("l.yaml", []byte(b.String()))
	want := fmt.Sprintf("l.yaml:%d:3: too many ISPs: a scenario may have at most %d (split it into smaller scenarios)", 2+limits["ISPs"], limits["ISPs"])
	if err == nil || !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "too many ISPs") != 1 {
		t.Fatalf("got %.500v\nwant %s", err, want)
	}

	b.Reset()
	b.WriteString("isps:\n  a:\n    domains: [a.com, b.com, c.com]\n    users: {")
	for i := range maxAddresses/3 + 1 {
		fmt.Fprintf(&b, "u%d: p, ", i)
	}
	b.WriteString("}\n" + okExpect)
	_, err = Parse("l.yaml", []byte(b.String()))
	want = "l.yaml:2:3: too many mail addresses: ISP a gives its users 100002, past the 100000 a scenario may have"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %.500v\nwant %s", err, want)
	}
}

// TestLongValueClipped checks that a long value quoted in a message is
// cut short.
func TestLongValueClipped(t *testing.T) {
	long := strings.Repeat("é", 5000)
	_, err := Parse("c.yaml", []byte(base+okExpect+"timeline: [{at: 1s, check: "+long+"}]\n"))
	if err == nil || len(err.Error()) > 2*maxMsg || !strings.HasSuffix(err.Error(), "…") {
		t.Fatalf("got %d bytes: %.200v", len(err.Error()), err)
	}
}
