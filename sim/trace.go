package sim

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
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
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(e.Kind))
	b = append(b, `,"depart_us":`...)
	b = strconv.AppendInt(b, e.Depart.Microseconds(), 10)
	b = append(b, `,"arrive_us":`...)
	b = strconv.AppendInt(b, e.Arrive.Microseconds(), 10)
	str := func(key, v string) {
		if v != "" {
			b = append(b, `,"`...)
			b = append(b, key...)
			b = append(b, `":`...)
			b = appendJSONString(b, v)
		}
	}
	num := func(key string, v uint64) {
		if v != 0 {
			b = append(b, `,"`...)
			b = append(b, key...)
			b = append(b, `":`...)
			b = strconv.AppendUint(b, v, 10)
		}
	}
	str("link", e.Link)
	str("from", e.From)
	str("to", e.To)
	num("hop", uint64(e.Hop))
	num("hops", uint64(e.Hops))
	str("proto", e.Proto)
	step := e.Kind == KindStep
	hasAddr := !step && e.Src.IsValid()
	if hasAddr { // digits, dots, colons and brackets: nothing to escape
		b = append(b, `,"src":"`...)
		b = e.Src.AppendTo(b)
		b = append(b, `","dst":"`...)
		b = e.Dst.AppendTo(b)
		b = append(b, '"')
	} else if step && e.Dst.IsValid() { // a step names where it went
		b = append(b, `,"dst":"`...)
		b = e.Dst.AppendTo(b)
		b = append(b, '"')
	}
	str("src_host", e.SrcHost)
	str("dst_host", e.DstHost)
	if e.Proto == "tcp" && e.Flags != 0 && !step {
		b = append(b, `,"flags":"`...)
		b = e.Flags.appendTo(b)
		b = append(b, '"')
	}
	num("tcp_seq", uint64(e.TCPSeq))
	num("tcp_ack", uint64(e.TCPAck))
	if hasAddr {
		b = append(b, `,"len":`...)
		b = strconv.AppendInt(b, int64(len(e.Payload)), 10)
	}
	if payload && len(e.Payload) > 0 {
		b = append(b, `,"payload":"`...)
		b = base64.StdEncoding.AppendEncode(b, e.Payload)
		b = append(b, '"')
	}
	num("conn", e.Conn)
	str("summary", e.Summary)
	str("host", e.Host)
	str("text", e.Text)
	str("msg", e.Msg)
	str("step", e.Step)
	str("reply", e.Reply)
	return append(b, '}')
}

// jsonSafe marks the ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString quotes s as encoding/json does (HTML-safe, invalid
// UTF-8 as U+FFFD, U+2028 and U+2029 escaped).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
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
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
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
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
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
	bw      *bufio.Writer
	json    bool
	payload bool // JSON: include payloads
	buf     []byte
	err     error
}

// NewTextTrace returns a writer of the readable encoding.
func NewTextTrace(w io.Writer) *TraceWriter { return &TraceWriter{bw: bufio.NewWriter(w)} }

// NewJSONTrace returns a writer of the JSON Lines encoding; payload
// says whether lines carry the segments' payloads (base64), which make
// a trace several times larger.
func NewJSONTrace(w io.Writer, payload bool) *TraceWriter {
	return &TraceWriter{bw: bufio.NewWriterSize(w, 1<<16), json: true, payload: payload}
}

// Event writes one event. Use it as a World subscriber.
func (t *TraceWriter) Event(e *Event) {
	if t.err != nil {
		return
	}
	if t.json {
		t.buf = append(AppendJSONLine(t.buf[:0], e, t.payload), '\n')
		_, t.err = t.bw.Write(t.buf)
		return
	}
	t.bw.WriteString(TextLine(e))
	t.err = t.bw.WriteByte('\n')
}

// Flush writes out buffered lines and reports the first write error.
func (t *TraceWriter) Flush() error {
	if err := t.bw.Flush(); t.err == nil {
		t.err = err
	}
	return t.err
}
