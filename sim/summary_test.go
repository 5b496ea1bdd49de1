package sim

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// oldSummary is DefaultSummary as it was before printable copied plain
// runs whole: a byte at a time, then " …" added.
func oldSummary(proto string, flags TCPFlags, payload []byte) string {
	if len(payload) == 0 || proto == "udp" {
		return DefaultSummary(proto, flags, payload)
	}
	line := payload
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, "\r")
	var sb strings.Builder
	n := 0
	for _, c := range line {
		if n >= 72 {
			sb.WriteString("…")
			break
		}
		if c >= 0x20 && c < 0x7f {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02x", c)
		}
		n++
	}
	s := sb.String()
	if len(payload) > len(line)+2 {
		s += " …"
	}
	return s
}

// TestDefaultSummary compares the summary of TCP payloads with the
// byte-at-a-time writer it replaced.
func TestDefaultSummary(t *testing.T) {
	pieces := []string{"MAIL FROM:<lisa@otherisp.com>", "\r\n", "\n", "\r", "\x00", "\x7f", "é", "\t", "a", strings.Repeat("x", 70), " "}
	rnd := rand.New(rand.NewSource(4))
	for i := range 20000 {
		var b []byte
		for n := rnd.Intn(6); n > 0; n-- {
			b = append(b, pieces[rnd.Intn(len(pieces))]...)
		}
		if got, want := DefaultSummary("tcp", TCPFlags(i%64), b), oldSummary("tcp", TCPFlags(i%64), b); got != want {
			t.Fatalf("%q: %q, want %q", b, got, want)
		}
	}
}
