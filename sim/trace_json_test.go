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

// TestJSONLineMatchesEncodingJSON compares the hand-written encoder with
// encoding/json on hops, notes and drops with awkward strings.
func TestJSONLineMatchesEncodingJSON(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
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
	src := netip.MustParseAddrPort("198.51.100.25:25")
	dst := netip.MustParseAddrPort("203.0.113.25:49152")
	for i := 0; i < 2000; i++ {
		e := &Event{Seq: uint64(i + 1), Kind: []Kind{KindHop, KindNote, KindDrop, KindStep}[i%4],
			Depart: time.Duration(rnd.Int63n(1e12)), Arrive: time.Duration(rnd.Int63n(1e12)),
			Link: str(), From: str(), To: str(), Hop: rnd.Intn(3), Hops: rnd.Intn(4),
			Proto: []string{"", "tcp", "udp"}[rnd.Intn(3)], SrcHost: str(), DstHost: str(),
			Flags: TCPFlags(rnd.Intn(32)), TCPSeq: uint32(rnd.Intn(3)) * rnd.Uint32(), TCPAck: uint32(rnd.Intn(2)) * rnd.Uint32(),
			Payload: []byte(str()), Conn: uint64(rnd.Intn(5)), Summary: str(), Host: str(), Text: str(),
			Msg: str(), Step: str(), Reply: str()}
		if rnd.Intn(3) > 0 {
			e.Src, e.Dst = src, dst
		}
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
// AppendJSONLine makes, whole and in order, over many of its buffers:
// 20,000 events of hops that share links, names and segments or differ
// in one field only, with gaps in seq and repeated times.
func TestTraceWriterLines(t *testing.T) {
	rnd := rand.New(rand.NewSource(5))
	names := []string{"lisa-pc", "otherisp-router", "ns.otherisp.com", "é<&>\"", strings.Clone("lisa-pc"), ""}
	pick := func() string { return names[rnd.Intn(len(names))] }
	addrs := []netip.AddrPort{netip.MustParseAddrPort("198.51.100.25:25"), netip.MustParseAddrPort("203.0.113.25:49152"), {}}
	var segs []Event
	for range 40 {
		segs = append(segs, Event{Hops: 1 + rnd.Intn(3), Proto: []string{"tcp", "udp", "icmp"}[rnd.Intn(3)],
			Src: addrs[rnd.Intn(3)], Dst: addrs[rnd.Intn(3)], SrcHost: pick(), DstHost: pick(),
			Flags: TCPFlags(rnd.Intn(4)), TCPSeq: uint32(rnd.Intn(3)), TCPAck: uint32(rnd.Intn(2)),
			Payload: make([]byte, rnd.Intn(3)), Conn: uint64(rnd.Intn(3)), Summary: pick(), Msg: pick()})
	}
	// Segments that differ from one of those in one field only.
	for _, change := range []func(*Event){
		func(e *Event) { e.Hops++ }, func(e *Event) { e.Proto += "x" }, func(e *Event) { e.Src = addrs[1] },
		func(e *Event) { e.Dst = netip.MustParseAddrPort("[2001:db8::1]:53") }, func(e *Event) { e.SrcHost += "x" },
		func(e *Event) { e.Src = netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), e.Src.Port()) },
		func(e *Event) { e.Dst = netip.AddrPortFrom(netip.MustParseAddr("192.0.2.2"), e.Dst.Port()) },
		func(e *Event) { e.DstHost += "x" }, func(e *Event) { e.Flags ^= SYN }, func(e *Event) { e.TCPSeq++ },
		func(e *Event) { e.TCPAck++ }, func(e *Event) { e.Payload = append(e.Payload, 0) }, func(e *Event) { e.Conn++ },
		func(e *Event) { e.Summary += "x" }, func(e *Event) { e.Msg += "x" },
	} {
		for i := range 3 {
			e := segs[i]
			change(&e)
			segs = append(segs, e)
		}
	}
	var buf bytes.Buffer
	tw := NewJSONTrace(&buf, false)
	var want []string
	times := []time.Duration{0, 999 * time.Microsecond, time.Millisecond, 5 * time.Second}
	seq := uint64(0)
	for range 20000 {
		e := segs[rnd.Intn(len(segs))]
		seq++
		if rnd.Intn(50) == 0 { // a gap (9, 99… carry too, as seq counts up)
			seq += uint64(rnd.Intn(1000))
		}
		e.Seq, e.Kind = seq, KindHop
		if rnd.Intn(20) == 0 {
			e.Kind = []Kind{KindNote, KindDrop, KindStep}[rnd.Intn(3)]
			e.Host, e.Text = pick(), pick()
		}
		e.Depart, e.Arrive = time.Duration(rnd.Int63n(1e10)), time.Duration(rnd.Int63n(1e10))
		if rnd.Intn(2) == 0 { // times that repeat, as in a run
			e.Depart, e.Arrive = times[rnd.Intn(len(times))], times[rnd.Intn(len(times))]
		}
		e.Link, e.From, e.To, e.Hop = pick()+"—"+pick(), pick(), pick(), 1+rnd.Intn(3)
		if rnd.Intn(2) == 0 {
			e.Link = names[0] + "—" + names[1] // the same text at another address
		}
		tw.Event(&e)
		want = append(want, string(AppendJSONLine(nil, &e, false))+"\n")
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	got := strings.SplitAfter(buf.String(), "\n")
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("line %d:\n got %s\nwant %s", i+1, got[i], w)
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
