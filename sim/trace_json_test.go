package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// jsonEvent is the JSON Lines form as encoding/json writes it; the field
// names are part of the CLI's documented interface. AppendJSONLine must
// write exactly this.
type jsonEvent struct {
	Seq      uint64 `json:"seq"`
	Kind     Kind   `json:"kind"`
	DepartUS int64  `json:"depart_us"`
	ArriveUS int64  `json:"arrive_us"`
	Link     string `json:"link,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Hop      int    `json:"hop,omitempty"`
	Hops     int    `json:"hops,omitempty"`
	Proto    string `json:"proto,omitempty"`
	Src      string `json:"src,omitempty"`
	Dst      string `json:"dst,omitempty"`
	SrcHost  string `json:"src_host,omitempty"`
	DstHost  string `json:"dst_host,omitempty"`
	Flags    string `json:"flags,omitempty"`
	TCPSeq   uint32 `json:"tcp_seq,omitempty"`
	TCPAck   uint32 `json:"tcp_ack,omitempty"`
	Len      *int   `json:"len,omitempty"` // hops and drops only
	Payload  []byte `json:"payload,omitempty"`
	Conn     uint64 `json:"conn,omitempty"`
	Summary  string `json:"summary,omitempty"`
	Host     string `json:"host,omitempty"`
	Text     string `json:"text,omitempty"`
	Msg      string `json:"msg,omitempty"`
	Step     string `json:"step,omitempty"`
	Reply    string `json:"reply,omitempty"`
}

func marshalEvent(e *Event, payload bool) string {
	je := jsonEvent{
		Seq: e.Seq, Kind: e.Kind, DepartUS: e.Depart.Microseconds(), ArriveUS: e.Arrive.Microseconds(),
		Link: e.Link, From: e.From, To: e.To, Hop: e.Hop, Hops: e.Hops, Proto: e.Proto,
		SrcHost: e.SrcHost, DstHost: e.DstHost, TCPSeq: e.TCPSeq, TCPAck: e.TCPAck,
		Conn: e.Conn, Summary: e.Summary, Host: e.Host, Text: e.Text,
		Msg: e.Msg, Step: e.Step, Reply: e.Reply,
	}
	if payload {
		je.Payload = e.Payload
	}
	if e.Kind == KindStep {
		if e.Dst.IsValid() {
			je.Dst = e.Dst.String()
		}
	} else if e.Src.IsValid() {
		je.Src, je.Dst = e.Src.String(), e.Dst.String()
		n := len(e.Payload)
		je.Len = &n
	}
	if e.Proto == "tcp" && e.Kind != KindStep {
		je.Flags = e.Flags.String()
	}
	b, err := json.Marshal(je)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// randomEvent is an event of any kind with awkward strings (escapes,
// invalid and three-byte UTF-8, line separators) and numbers.
func randomEvent(rnd *rand.Rand, seq uint64) *Event {
	pieces := []string{"", "a", "MAIL FROM:<lisa@otherisp.com>", "\"q\"", `back\slash`, "<&>", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
		"é→ü", "\u2028\u2029", "\xff\xfe bad", "\xe2\x80", "…", "emoji 😀", "a—b", "\xe2\x80\xa8", "\xe2\x80\xaa",
		"\xed\xa0\x80", "\xe0\x80\x80", "\xe0\xa0\x80", "\xec\xbf\xbf", "\xe1\x80", "\xe2\x28\xa1", "\xef\xbf\xbf"}
	str := func() string {
		s := ""
		for n := rnd.Intn(4); n > 0; n-- {
			s += pieces[rnd.Intn(len(pieces))]
		}
		return s
	}
	e := &Event{Seq: seq, Kind: []Kind{KindHop, KindNote, KindDrop, KindStep}[rnd.Intn(4)],
		Depart: time.Duration(rnd.Int63n(1e12)), Arrive: time.Duration(rnd.Int63n(1e12)),
		Link: str(), From: str(), To: str(), Hop: rnd.Intn(3), Hops: rnd.Intn(4),
		Proto: []string{"", "tcp", "udp"}[rnd.Intn(3)], SrcHost: str(), DstHost: str(),
		Flags: TCPFlags(rnd.Intn(32)), TCPSeq: uint32(rnd.Intn(3)) * rnd.Uint32(), TCPAck: uint32(rnd.Intn(2)) * rnd.Uint32(),
		Payload: []byte(str()), Conn: uint64(rnd.Intn(5)), Summary: str(), Host: str(), Text: str(),
		Msg: str(), Step: str(), Reply: str()}
	if rnd.Intn(3) > 0 {
		e.Src, e.Dst = netip.MustParseAddrPort("198.51.100.25:25"), netip.MustParseAddrPort("203.0.113.25:49152")
	}
	return e
}

// TestJSONLineMatchesEncodingJSON compares the hand-written encoder with
// encoding/json on hops, notes and drops with awkward strings.
func TestJSONLineMatchesEncodingJSON(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for i := range 2000 {
		e := randomEvent(rnd, uint64(i+1))
		for _, payload := range []bool{false, true} {
			if got, want := string(AppendJSONLine(nil, e, payload)), marshalEvent(e, payload); got != want {
				t.Fatalf("event %d (payload %v):\n got %s\nwant %s", i, payload, got, want)
			}
		}
	}
}

// TestSafe8 checks the word-at-a-time test against the table, for every
// byte in every position.
func TestSafe8(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			want := c < utf8.RuneSelf && jsonSafe[c]
			if got := safe8(word(string(w), 0)); got != want {
				t.Errorf("byte %#x at %d: safe8 %v, table %v", c, pos, got, want)
			}
		}
	}
	// Words of bytes near the edges, where a borrow could cross bytes.
	edges := []byte{0, 1, 0x1f, 0x20, 0x21, '"', '#', '%', '&', '\'', ';', '<', '=', '>', '?', '[', '\\', ']', 'a', 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff}
	rnd := rand.New(rand.NewSource(2))
	for range 200000 {
		var w [8]byte
		want := true
		for i := range w {
			w[i] = edges[rnd.Intn(len(edges))]
			want = want && w[i] < utf8.RuneSelf && jsonSafe[w[i]]
		}
		if got := safe8(word(string(w[:]), 0)); got != want {
			t.Fatalf("% x: safe8 %v, table %v", w, got, want)
		}
	}
}

// TestAppendUint compares the digit writer with strconv around every
// power of ten and on random values.
func TestAppendUint(t *testing.T) {
	vals := []uint64{0, math.MaxUint64, math.MaxInt64, math.MaxInt64 + 1}
	for p := uint64(1); p <= math.MaxUint64/10; p *= 10 {
		vals = append(vals, p-1, p, p+1, 10*p-1)
	}
	rnd := rand.New(rand.NewSource(3))
	for range 10000 {
		vals = append(vals, rnd.Uint64()>>rnd.Intn(64))
	}
	for _, v := range vals {
		if got, want := string(appendUint([]byte("x"), v)), "x"+strconv.FormatUint(v, 10); got != want {
			t.Fatalf("appendUint(%d) = %s", v, got)
		}
		if got, want := string(appendInt(nil, int64(v))), strconv.FormatInt(int64(v), 10); got != want {
			t.Fatalf("appendInt(%d) = %s", int64(v), got)
		}
	}
}

// TestTraceWriterLines checks that the JSON writer writes the lines
// AppendJSONLine makes, whole and in order, over many of its buffers and
// with lines larger than one (a 100 KB payload).
func TestTraceWriterLines(t *testing.T) {
	for _, payload := range []bool{false, true} {
		rnd := rand.New(rand.NewSource(5))
		var buf bytes.Buffer
		tw := NewJSONTrace(&buf, payload)
		var want strings.Builder
		for i := range 3000 {
			e := randomEvent(rnd, uint64(i+1))
			if i%1000 == 999 {
				e.Payload = bytes.Repeat([]byte("DATA\r\n"), 100000/6)
			}
			tw.Event(e)
			want.Write(AppendJSONLine(nil, e, payload))
			want.WriteByte('\n')
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want.String() {
			t.Fatalf("payload %v: the trace differs from the lines (%d bytes, want %d)", payload, buf.Len(), want.Len())
		}
	}
}

// TestEight checks the eight-digits-at-once writer on every value below
// 10⁵ and on every value around each power of ten after.
func TestEight(t *testing.T) {
	check := func(x uint64) {
		var b [8]byte
		for i, v := 0, eight(x); i < 8; i, v = i+1, v>>8 {
			b[i] = byte(v)
		}
		if got, want := string(b[:]), fmt.Sprintf("%08d", x); got != want {
			t.Fatalf("eight(%d) = %q", x, got)
		}
	}
	for x := uint64(0); x < 1e5; x++ {
		check(x)
	}
	for p := uint64(1e5); p <= 1e7; p *= 10 {
		for x := p - 1000; x < p+1000; x++ {
			check(x)
		}
	}
	rnd := rand.New(rand.NewSource(7))
	for range 1000000 {
		check(uint64(rnd.Int63n(1e8)))
	}
	check(1e8 - 1)
}

// TestAppendAddrPort compares the IPv4 writer with netip's on random
// addresses and ports, and the edges; others go to netip itself.
func TestAppendAddrPort(t *testing.T) {
	aps := []netip.AddrPort{{}, netip.MustParseAddrPort("0.0.0.0:0"), netip.MustParseAddrPort("255.255.255.255:65535"),
		netip.MustParseAddrPort("[::ffff:198.51.100.1]:25"), netip.MustParseAddrPort("[2001:db8::1]:53"),
		netip.MustParseAddrPort("[fe80::1%eth0]:110")}
	rnd := rand.New(rand.NewSource(8))
	for range 100000 {
		var a [4]byte
		rnd.Read(a[:])
		aps = append(aps, netip.AddrPortFrom(netip.AddrFrom4(a), uint16(rnd.Intn(65536))))
	}
	for _, ap := range aps {
		if got, want := string(appendAddrPort([]byte("x"), ap)), string(ap.AppendTo([]byte("x"))); got != want {
			t.Fatalf("%v: %q, want %q", ap, got, want)
		}
	}
}

// FuzzJSONString checks the string encoder against encoding/json on any
// bytes: the word-at-a-time scan and the three-byte shortcut must agree
// with it on every escape, invalid sequence and line separator.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "lisa-pc—otherisp-router", "MAIL FROM:<lisa@otherisp.com>", "<&>\"\\", "\u2028\u2029",
		"\xed\xa0\x80", "\xe0\x80\x80", "\xe2\x80", "emoji 😀", "\x00\x1f\x7f\x80\xff", "12345678<12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Fatalf("%q: %s, want %s", s, got[1:], want)
		}
	})
}
