package dns

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"

	mdns "github.com/miekg/dns"
)

// manyMX is a zone whose apex holds 40 MX records (and a few others): an
// ANY answer of some 1,100 octets compressed, far over 512.
func manyMX(t *testing.T) *Authoritative {
	t.Helper()
	z := ISPZone("big.test", []Host{{Name: "ns", Addr: netipMust("10.9.0.53")}})
	for i := 0; i < 40; i++ {
		z.Records = append(z.Records, Record{Name: "@", Type: "MX", Pref: uint16(10 + i), Value: fmt.Sprintf("mx%02d.big.test.", i)})
	}
	return mustAuth(t, z)
}

var msgSizeRE = regexp.MustCompile(`MSG SIZE\s+rcvd: (\d+)`)

// digSize is the size of the reply dig received.
func digSize(t *testing.T, out string) int {
	t.Helper()
	m := msgSizeRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no MSG SIZE in dig output:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// L7: a UDP answer never exceeds 512 octets for a client without EDNS0,
// nor the size an EDNS0 client advertises; what does not fit sets TC and
// dig, like our resolver, retries over TCP for all of it.
func TestDigAnyTruncatedForUDP(t *testing.T) {
	addr := serve(t, comentumIP, manyMX(t))
	cases := []struct {
		args  []string
		limit int
		tc    bool
		mx    int // MX records dig shows; -1: fewer than 40
		tcp   bool
	}{
		{[]string{"+noedns", "+ignore"}, 512, true, -1, false},
		{[]string{"+bufsize=800", "+ignore"}, 800, true, -1, false},
		{[]string{"+bufsize=4096", "+ignore"}, ednsSize, false, 40, false}, // BIND's cap, whatever the client offers
		{[]string{"+noedns"}, 65535, false, 40, true},                      // dig's own retry over TCP
	}
	// dig 9.18 asks ANY over TCP unless told; the point here is UDP.
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out := dig(t, addr, append([]string{"big.test", "ANY", "+norec", "+notcp"}, c.args...)...)
			_, flags := digHeader(t, out)
			if size := digSize(t, out); size > c.limit {
				t.Errorf("reply of %d octets, over the %d allowed\n%s", size, c.limit, out)
			}
			if got := strings.Contains(" "+flags+" ", " tc "); got != c.tc {
				t.Errorf("flags %q, want tc %v\n%s", flags, c.tc, out)
			}
			n := strings.Count(out, "\tMX\t")
			if c.mx == -1 && (n == 0 || n >= 40) || c.mx >= 0 && n != c.mx {
				t.Errorf("%d MX records in the reply, want %d (-1: some, not all)\n%s", n, c.mx, out)
			}
			if c.tcp != strings.Contains(out, "(TCP)") || c.tcp != strings.Contains(out, "Truncated, retrying in TCP mode") {
				t.Errorf("want a retry over TCP: %v\n%s", c.tcp, out)
			}
		})
	}
}

// L7: replies are compressed (RFC 1035 §4.1.4), over UDP and TCP: dig
// receives fewer octets than the same reply packed without compression.
func TestDigRepliesCompressed(t *testing.T) {
	auth := manyMX(t)
	addr := serve(t, comentumIP, auth)
	for _, args := range [][]string{{"big.test", "MX", "+norec", "+bufsize=4096"}, {"big.test", "MX", "+norec", "+tcp"}, {"ns.big.test", "A", "+norec", "+noedns"}} {
		out := dig(t, addr, args...)
		q := new(mdns.Msg).SetQuestion(mdns.Fqdn(args[0]), mdns.StringToType[args[1]])
		if args[3] != "+noedns" {
			q.SetEdns0(4096, false)
		}
		plain := auth.Answer(q)
		if args[3] != "+noedns" && plain.IsEdns0() == nil {
			plain.SetEdns0(ednsSize, false)
		}
		plain.Compress = false
		full := plain.Len()
		if got := digSize(t, out); got >= full {
			t.Errorf("%v: %d octets received, %d uncompressed: not compressed\n%s", args, got, full, out)
		}
	}
	// The raw bytes of a small UDP reply hold a compression pointer: the
	// answer's owner name points back at the question (0xc00c).
	c, err := net.Dial("udp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	q, _ := new(mdns.Msg).SetQuestion("ns.big.test.", mdns.TypeA).Pack()
	if _, err := c.Write(q); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(buf[len(q):n]), "\xc0\x0c") {
		t.Errorf("reply % x has no pointer to the question's name", buf[:n])
	}
}

// L7: a query with EDNS version 1 gets BADVERS (RFC 6891 §6.1.3), with
// an OPT record of version 0 carrying the rcode's upper bits.
func TestDigBadVers(t *testing.T) {
	addr := serve(t, comentumIP, manyMX(t))
	out := dig(t, addr, "big.test", "MX", "+norec", "+edns=1", "+noednsneg")
	if status, _ := digHeader(t, out); status != "BADVERS" || !strings.Contains(out, "EDNS: version: 0") {
		t.Errorf("EDNS version 1: status %s\n%s", status, out)
	}
}
