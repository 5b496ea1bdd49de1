package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// hostileSize is the size the generated hostile files grow to: just
// under the 1 MB that Parse must answer within a second for.
const hostileSize = 1 << 20

// grow returns head, then item(0), item(1), ... while the file stays
// under size bytes, then tail.
func grow(size int, head string, item func(i int) string, tail string) []byte {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; ; i++ {
		s := item(i)
		if b.Len()+len(s)+len(tail) >= size {
			break
		}
		b.WriteString(s)
	}
	b.WriteString(tail)
	return []byte(b.String())
}

// hostileISP starts a file with one ISP that has room for many hosts.
const hostileISP = "isps:\n  big: {domain: big.com, users: {bob: x}, prefix: 10.0.0.0/8}\n"

// hostile lists scenario files built to make a loader do too much work:
// each aims at one place where the work could grow faster than the file.
var hostile = []struct {
	name string
	gen  func(size int) []byte
}{
	{"hosts in a /8", func(size int) []byte {
		return grow(size, hostileISP+"hosts:\n",
			func(i int) string { return fmt.Sprintf("  h%d: {isp: big}\n", i) }, okExpect)
	}},
	{"ISPs on one prefix", func(size int) []byte {
		return grow(size, "isps:\n",
			func(i int) string { return fmt.Sprintf("  i%d: {domain: d%d.com, prefix: 10.0.0.0/24}\n", i, i) }, okExpect)
	}},
	{"ISPs on own prefixes", func(size int) []byte {
		return grow(size, "isps:\n",
			func(i int) string {
				return fmt.Sprintf("  i%d: {domain: d%d.com, prefix: 10.%d.%d.0/24}\n", i, i, i/256%256, i%256)
			}, okExpect)
	}},
	{"ISPs on default prefixes", func(size int) []byte {
		return grow(size, "isps:\n",
			func(i int) string { return fmt.Sprintf("  i%d: {domain: d%d.com}\n", i, i) }, okExpect)
	}},
	{"users times domains", func(size int) []byte {
		var b strings.Builder
		b.WriteString("isps:\n  a:\n    domains: [")
		for i := 0; b.Len() < size/2; i++ {
			fmt.Fprintf(&b, "d%d.com, ", i)
		}
		b.WriteString("x.com]\n    users: {")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("u%d: p, ", i) }, "v: p}\n"+okExpect)
	}},
	{"servers times domains", func(size int) []byte {
		var b strings.Builder
		b.WriteString("isps:\n  a:\n    domains: [")
		for i := 0; b.Len() < size/2; i++ {
			fmt.Fprintf(&b, "d%d.com, ", i)
		}
		b.WriteString("x.com]\n    prefix: 10.0.0.0/8\n    servers: {")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("s%d.x.com: smtp, ", i) }, "ns.x.com: [dns, pop3]}\n"+okExpect)
	}},
	{"unknown hosts", func(size int) []byte {
		var b strings.Builder
		b.WriteString(hostileISP + "hosts:\n")
		for i := 0; b.Len() < size/2; i++ {
			fmt.Fprintf(&b, "  host-%06d: {isp: big}\n", i)
		}
		b.WriteString("timeline:\n")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("  - {at: 1s, check: hosx-%06d}\n", i) }, okExpect)
	}},
	{"unknown users", func(size int) []byte {
		var b strings.Builder
		b.WriteString("isps:\n  a:\n    domain: a.com\n    prefix: 10.0.0.0/8\n    users: {")
		for i := 0; b.Len() < size/2; i++ {
			fmt.Fprintf(&b, "user%06d: p, ", i)
		}
		b.WriteString("x: p}\nhosts:\n")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("  h%d: {user: usex%06d@a.com}\n", i, i) }, okExpect)
	}},
	{"known users", func(size int) []byte {
		var b strings.Builder
		b.WriteString("isps:\n  a:\n    domain: a.com\n    prefix: 10.0.0.0/8\n    users: {")
		for i := 0; i < size/50; i++ {
			fmt.Fprintf(&b, "u%d: p, ", i)
		}
		b.WriteString("x: p}\nhosts:\n")
		for i := 0; i < size/50; i++ {
			fmt.Fprintf(&b, "  h%d: {user: u%d@a.com}\n", i, i)
		}
		b.WriteString("timeline:\n")
		return grow(size, b.String(), func(i int) string {
			return fmt.Sprintf("  - {at: 1s, send: {from: u%d@a.com, to: x@a.com}}\n", i%(size/50))
		}, okExpect)
	}},
	{"unknown domains", func(size int) []byte {
		var b strings.Builder
		b.WriteString("isps:\n  a:\n    prefix: 10.0.0.0/8\n    domains: [")
		for i := 0; b.Len() < size/2; i++ {
			fmt.Fprintf(&b, "dom%06d.com, ", i)
		}
		b.WriteString("x.com]\nhosts:\n")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("  h%d: {user: u@dox%06d.com}\n", i, i) }, okExpect)
	}},
	{"dns actions", func(size int) []byte {
		var b strings.Builder
		b.WriteString("isps:\n  a:\n    prefix: 10.0.0.0/8\n    domains: [")
		for i := 0; b.Len() < size/2; i++ {
			fmt.Fprintf(&b, "d%d.com, ", i)
		}
		b.WriteString("x.com]\ntimeline:\n")
		return grow(size, b.String(), func(i int) string {
			return "  - {at: 1s, dns_add: {name: 1.0.10.in-addr.arpa, type: PTR, value: h.x.com}}\n"
		}, okExpect)
	}},
	{"sends", func(size int) []byte {
		var b strings.Builder
		b.WriteString("isps:\n  a: {domain: a.com, users: {")
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&b, "u%d: p, ", i)
		}
		b.WriteString("x: p}}\nhosts:\n")
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&b, "  h%d: {user: u%d@a.com}\n", i, i)
		}
		b.WriteString("timeline:\n")
		return grow(size, b.String(), func(i int) string {
			return fmt.Sprintf("  - {at: %dms, send: {from: u%d@a.com, to: [u%d@a.com, x@a.com]}}\n", i, i%100, (i+1)%100)
		}, okExpect)
	}},
	{"shared sender", func(size int) []byte {
		var b strings.Builder
		b.WriteString(hostileISP + "hosts:\n")
		for i := 0; i < size/100; i++ {
			fmt.Fprintf(&b, "  h%d: {user: bob@big.com}\n", i)
		}
		b.WriteString("timeline:\n")
		return grow(size, b.String(), func(i int) string { return "  - {at: 1s, send: {from: bob@big.com, to: bob@big.com}}\n" }, okExpect)
	}},
	{"paths", func(size int) []byte {
		var b strings.Builder
		b.WriteString(hostileISP + "hosts:\n")
		for i := 0; i < size/1000; i++ {
			fmt.Fprintf(&b, "  h%d: {user: bob@big.com}\n", i)
		}
		b.WriteString("expect:\n")
		return grow(size, b.String(), func(i int) string {
			return fmt.Sprintf("  - {path: {hosts: [h%d, smtp.big.com, pop3.big.com, h%d]}}\n", i%(size/1000), (i+7)%(size/1000))
		}, "")
	}},
	{"unknown keys", func(size int) []byte {
		return grow(size, base+"isps2:\n", func(i int) string { return fmt.Sprintf("  k%d: x\n", i) }, okExpect)
	}},
	{"unknown keys by alias", func(size int) []byte {
		var b strings.Builder
		b.WriteString("x: &a {")
		for i := 0; i < size/1000; i++ {
			fmt.Fprintf(&b, "k%d: 1, ", i)
		}
		b.WriteString("k: 1}\nisps:\n")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("  i%d: *a\n", i) }, okExpect)
	}},
	{"long key by alias", func(size int) []byte {
		head := "x: &a\n  ? " + strings.Repeat("k", size*2/5) + "\n  : 1\nisps:\n"
		return grow(size, head, func(i int) string { return fmt.Sprintf("  i%d: *a\n", i) }, okExpect)
	}},
	{"long value by alias", func(size int) []byte {
		head := hostileISP + "x: &a " + strings.Repeat("h", size*2/5) + "\ntimeline:\n"
		return grow(size, head, func(i int) string { return "  - {at: 1s, check: *a}\n" }, okExpect)
	}},
	{"merge fan-out", func(size int) []byte {
		var b strings.Builder
		b.WriteString("x0: &a0 {domain: a.com}\n")
		for l := 1; l <= 8; l++ {
			fmt.Fprintf(&b, "x%d: &a%d {<<: [", l, l)
			for i := 0; i < 20; i++ {
				fmt.Fprintf(&b, "*a%d, ", l-1)
			}
			fmt.Fprintf(&b, "*a%d]}\n", l-1)
		}
		b.WriteString("isps:\n")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("  i%d: *a8\n", i) }, okExpect)
	}},
	{"list by alias", func(size int) []byte {
		var b strings.Builder
		b.WriteString("x: &l [")
		for i := 0; i < size/50; i++ {
			fmt.Fprintf(&b, "d%d.com, ", i)
		}
		b.WriteString("x.com]\nisps:\n")
		return grow(size, b.String(), func(i int) string { return fmt.Sprintf("  i%d: {domains: *l}\n", i) }, okExpect)
	}},
	{"deep flow", func(size int) []byte {
		n := size/2 - 8
		return []byte("title: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n")
	}},
	{"deep block", func(size int) []byte {
		return grow(size, "title:\n", func(i int) string { return strings.Repeat(" ", i+1) + "- \n" }, "")
	}},
	{"long key", func(size int) []byte {
		return []byte(base + strings.Repeat("k", size-len(base)-len(okExpect)-10) + ": 1\n" + okExpect)
	}},
	{"long line", func(size int) []byte {
		return grow(size, base+"isps2: {", func(i int) string { return fmt.Sprintf("k%d: v, ", i) }, "}\n"+okExpect)
	}},
	{"comments", func(size int) []byte {
		return grow(size, base, func(i int) string { return "# comment\n" }, okExpect)
	}},
	{"anchors", func(size int) []byte {
		return grow(size, base+"x:\n  - &a0 [1]\n", func(i int) string { return fmt.Sprintf("  - &a%d [*a%d]\n", i+1, i) }, okExpect)
	}},
}

// TestParseHostile checks that every hostile file, at a size quick
// enough for the race detector, gets an answer made of positioned
// errors; BenchmarkParseHostile measures how soon at full size.
func TestParseHostile(t *testing.T) {
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			data := h.gen(64 << 10)
			_, err := Parse("h.yaml", data)
			var list ErrorList
			if err != nil && !errors.As(err, &list) {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			if len(list) > maxErrors+1 {
				t.Fatalf("%d errors listed", len(list))
			}
			for _, e := range list {
				if e.Line <= 0 || e.Col <= 0 {
					t.Fatalf("error without a position: %v", e)
				}
			}
		})
	}
}

// BenchmarkParseHostile parses each hostile file at just under 1 MB;
// every one must take well under the second FuzzParse allows.
func BenchmarkParseHostile(b *testing.B) {
	for _, h := range hostile {
		data := h.gen(hostileSize)
		if len(data) > hostileSize {
			b.Fatalf("%s: %d bytes", h.name, len(data))
		}
		b.Run(strings.ReplaceAll(h.name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				Parse("h.yaml", data)
			}
		})
	}
}
