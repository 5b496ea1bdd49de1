package sim

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"
)

// FormatTime writes a virtual time as seconds with microseconds, the way
// both trace encodings show it: "12.500000s".
func FormatTime(d time.Duration) string { return fmtDur(d) }

// TextLine renders an event as one readable trace line.
func TextLine(e *Event) string {
	switch e.Kind {
	case KindNote:
		who := e.Host
		if who == "" {
			who = "world"
		}
		return fmt.Sprintf("%12s  %-22s  %s", fmtDur(e.Depart), who, e.Text)
	case KindStep:
		return fmt.Sprintf("%12s  %-22s  %s %s", fmtDur(e.Depart), e.Host, e.Msg, e.Text)
	case KindDrop:
		where := e.Link
		if where == "" {
			where = e.SrcHost
		}
		return fmt.Sprintf("%12s  %-22s  DROP %s %s → %s %s: %s", fmtDur(e.Depart), where, e.Proto, e.Src, e.Dst, e.Summary, e.Text)
	}
	hop := e.From + " → " + e.To
	var tcp string
	if e.Proto == "tcp" {
		tcp = fmt.Sprintf(" [%s] seq=%d", e.Flags, e.TCPSeq)
		if e.Flags&ACK != 0 {
			tcp += " ack=" + strconv.FormatUint(uint64(e.TCPAck), 10)
		}
	}
	if e.Proto == "icmp" { // no ports
		return fmt.Sprintf("%12s  %-22s  icmp %s → %s len=%d  %s", fmtDur(e.Depart), hop, e.Src.Addr(), e.Dst.Addr(), len(e.Payload), e.Summary)
	}
	return fmt.Sprintf("%12s  %-22s  %s %s → %s%s len=%d  %s", fmtDur(e.Depart), hop, e.Proto, e.Src, e.Dst, tcp, len(e.Payload), e.Summary)
}

// JSONLine renders an event as one JSON object (no newline), with its
// payload.
func JSONLine(e *Event) []byte { return AppendJSONLine(nil, e, true) }

// AppendJSONLine appends the JSON object of an event to b (no newline),
// with the payload (base64) only if payload is set. It writes what
// encoding/json would write for jsonEvent, by hand: a large trace has
// millions of lines, and reflection made writing them cost as much as
// simulating them.
func AppendJSONLine(b []byte, e *Event, payload bool) []byte {
	b = append(b, `{"seq":`...)
	b = appendUint(b, e.Seq)
	b = append(b, `,"kind":`...)
	switch e.Kind {
	case KindHop, KindStep, KindNote, KindDrop: // nothing to escape
		b = append(b, '"')
		b = append(b, e.Kind...)
		b = append(b, '"')
	default:
		b = appendJSONString(b, string(e.Kind))
	}
	b = append(b, `,"depart_us":`...)
	b = appendInt(b, e.Depart.Microseconds())
	b = append(b, `,"arrive_us":`...)
	b = appendInt(b, e.Arrive.Microseconds())
	// Closures, not functions: inlined, they keep b in registers. A
	// field starts `,"key":`, written in one piece.
	str := func(field, v string) {
		if v != "" {
			b = append(b, field...)
			b = appendJSONString(b, v)
		}
	}
	num := func(field string, v uint64) {
		if v != 0 {
			b = append(b, field...)
			b = appendUint(b, v)
		}
	}
	str(`,"link":`, e.Link)
	str(`,"from":`, e.From)
	str(`,"to":`, e.To)
	num(`,"hop":`, uint64(e.Hop))
	num(`,"hops":`, uint64(e.Hops))
	str(`,"proto":`, e.Proto)
	step := e.Kind == KindStep
	hasAddr := !step && e.Src.IsValid()
	if hasAddr { // digits, dots, colons and brackets: nothing to escape
		b = append(b, `,"src":"`...)
		b = appendAddrPort(b, e.Src)
		b = append(b, `","dst":"`...)
		b = appendAddrPort(b, e.Dst)
		b = append(b, '"')
	} else if step && e.Dst.IsValid() { // a step names where it went
		b = append(b, `,"dst":"`...)
		b = appendAddrPort(b, e.Dst)
		b = append(b, '"')
	}
	str(`,"src_host":`, e.SrcHost)
	str(`,"dst_host":`, e.DstHost)
	if e.Proto == "tcp" && e.Flags != 0 && !step {
		b = append(b, `,"flags":"`...)
		b = append(b, e.Flags.String()...)
		b = append(b, '"')
	}
	num(`,"tcp_seq":`, uint64(e.TCPSeq))
	num(`,"tcp_ack":`, uint64(e.TCPAck))
	if hasAddr {
		b = append(b, `,"len":`...)
		b = appendUint(b, uint64(len(e.Payload)))
	}
	if payload && len(e.Payload) > 0 {
		b = append(b, `,"payload":"`...)
		b = base64.StdEncoding.AppendEncode(b, e.Payload)
		b = append(b, '"')
	}
	num(`,"conn":`, e.Conn)
	str(`,"summary":`, e.Summary)
	str(`,"host":`, e.Host)
	str(`,"text":`, e.Text)
	str(`,"msg":`, e.Msg)
	str(`,"step":`, e.Step)
	str(`,"reply":`, e.Reply)
	return append(b, '}')
}

// pow10 is 10ⁿ for n up to 19.
var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// eight writes x < 10⁸ as eight ASCII digits, the first in the low
// byte, all at once: the four-digit halves go in 32-bit lanes, are split
// into pairs in 16-bit lanes, then into digits in bytes (dividing by
// multiplying: n*10486>>20 is n/100 below 10⁴, n*103>>10 is n/10 below
// 100).
func eight(x uint64) uint64 {
	v := x/10000 | x%10000<<32
	top := v * 10486 >> 20 & 0x7f_0000007f
	v = top | (v-top*100)<<16
	top = v * 103 >> 10 & 0xf_000f_000f_000f
	v = top | (v-top*10)<<8
	return v | 0x30303030_30303030
}

// appendUint appends v in decimal, as strconv.AppendUint(b, v, 10) does,
// eight digits at a time: a trace line has up to nine numbers.
func appendUint(b []byte, v uint64) []byte {
	if v < 10 {
		return append(b, byte('0'+v))
	}
	n := bits.Len64(v) * 1233 >> 12 // ⌊log₁₀ 2^len⌋: the digits, or one more
	if v >= pow10[n] {
		n++
	}
	var buf [24]byte
	if v < 1e8 {
		binary.LittleEndian.PutUint64(buf[16:], eight(v))
	} else if v < 1e16 {
		binary.LittleEndian.PutUint64(buf[8:], eight(v/1e8))
		binary.LittleEndian.PutUint64(buf[16:], eight(v%1e8))
	} else {
		binary.LittleEndian.PutUint64(buf[0:], eight(v/1e16))
		binary.LittleEndian.PutUint64(buf[8:], eight(v/1e8%1e8))
		binary.LittleEndian.PutUint64(buf[16:], eight(v%1e8))
	}
	return append(b, buf[24-n:]...)
}

// octets is every IPv4 octet in decimal.
var octets = func() (t [256]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

// appendAddrPort writes ap as ap.AppendTo does, IPv4 from a table: a
// trace line has two.
func appendAddrPort(b []byte, ap netip.AddrPort) []byte {
	a := ap.Addr()
	if !a.Is4() {
		return ap.AppendTo(b)
	}
	v := a.As4()
	b = append(b, octets[v[0]]...)
	b = append(b, '.')
	b = append(b, octets[v[1]]...)
	b = append(b, '.')
	b = append(b, octets[v[2]]...)
	b = append(b, '.')
	b = append(b, octets[v[3]]...)
	b = append(b, ':')
	return appendUint(b, uint64(ap.Port()))
}

// appendInt appends v in decimal.
func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		return appendUint(append(b, '-'), -uint64(v))
	}
	return appendUint(b, uint64(v))
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// safe8 tells whether all of the 8 bytes of x (a word of a string) are
// jsonSafe, a word at a time: most strings in a trace have nothing to
// escape. Each test is exact about whether any byte matches.
func safe8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	bad := x & hi                  // not ASCII
	bad |= (x - lo*0x20) & ^x & hi // control characters
	v := x ^ lo*'\\'               // backslash
	bad |= (v - lo) & ^v & hi
	v = (x | lo*0x02) ^ lo*'>' // '<' or '>'
	bad |= (v - lo) & ^v & hi
	v = (x | lo*0x04) ^ lo*'&' // '"' or '&'
	bad |= (v - lo) & ^v & hi
	return bad == 0
}

// word reads s[i:i+8] as a little-endian word (one load).
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plain tells whether s holds only bytes a JSON string keeps as they
// are, a word at a time; the last word may overlap the one before.
func plain(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c >= utf8.RuneSelf || !jsonSafe[c] {
				return false
			}
		}
		return true
	}
	for i := 0; i+8 <= len(s); i += 8 {
		if !safe8(word(s, i)) {
			return false
		}
	}
	return safe8(word(s, len(s)-8))
}

// appendJSONString quotes s as encoding/json does (HTML-safe, invalid
// UTF-8 as U+FFFD, U+2028 and U+2029 escaped).
func appendJSONString(b []byte, s string) []byte {
	if plain(s) { // most of a trace's strings: copied whole
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && safe8(word(s, i)) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// Three bytes from E1 to EC (—, →, …) are valid when both go on
		// 10xxxxxx, and only U+2028 and U+2029 among them need escaping.
		if c >= 0xe1 && c <= 0xec && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 &&
			(c != 0xe2 || s[i+1] != 0x80 || s[i+2]&0xfe != 0xa8) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// TraceWriter writes events to w in one of the two encodings. Call Flush
// when the run ends.
type TraceWriter struct {
	bw      *bufio.Writer // text
	w       io.Writer     // JSON (nil for text)
	payload bool          // JSON: include payloads
	buf     []byte        // JSON: lines not yet written
	err     error
}

// jsonBuf is how much of the JSON trace is written at once.
const jsonBuf = 1 << 16

// NewTextTrace returns a writer of the readable encoding.
func NewTextTrace(w io.Writer) *TraceWriter { return &TraceWriter{bw: bufio.NewWriter(w)} }

// NewJSONTrace returns a writer of the JSON Lines encoding; payload
// says whether lines carry the segments' payloads (base64), which make
// a trace several times larger.
func NewJSONTrace(w io.Writer, payload bool) *TraceWriter {
	return &TraceWriter{w: w, payload: payload, buf: make([]byte, 0, jsonBuf+1<<12)}
}

// Event writes one event. Use it as a World subscriber.
func (t *TraceWriter) Event(e *Event) {
	if t.err != nil {
		return
	}
	if t.w != nil { // JSON: lines go end to end in buf, written when it fills
		t.buf = append(AppendJSONLine(t.buf, e, t.payload), '\n')
		if len(t.buf) >= jsonBuf {
			_, t.err = t.w.Write(t.buf)
			t.buf = t.buf[:0]
		}
		return
	}
	t.bw.WriteString(TextLine(e))
	t.err = t.bw.WriteByte('\n')
}

// Flush writes out buffered lines and reports the first write error.
func (t *TraceWriter) Flush() error {
	if t.w != nil {
		if t.err == nil && len(t.buf) > 0 {
			_, t.err = t.w.Write(t.buf)
		}
		t.buf = t.buf[:0]
		return t.err
	}
	if err := t.bw.Flush(); t.err == nil {
		t.err = err
	}
	return t.err
}
