package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
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

// jsonEvent fixes the JSON Lines field names; they are part of the CLI's
// documented interface, so they never change meaning.
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

// JSONLine renders an event as one JSON object (no newline).
func JSONLine(e *Event) []byte {
	je := jsonEvent{
		Seq: e.Seq, Kind: e.Kind, DepartUS: e.Depart.Microseconds(), ArriveUS: e.Arrive.Microseconds(),
		Link: e.Link, From: e.From, To: e.To, Hop: e.Hop, Hops: e.Hops, Proto: e.Proto,
		SrcHost: e.SrcHost, DstHost: e.DstHost, TCPSeq: e.TCPSeq, TCPAck: e.TCPAck,
		Payload: e.Payload, Conn: e.Conn, Summary: e.Summary, Host: e.Host, Text: e.Text,
		Msg: e.Msg, Step: e.Step, Reply: e.Reply,
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
	b, _ := json.Marshal(je) // cannot fail: plain fields only
	return b
}

// TraceWriter writes events to w in one of the two encodings. Call Flush
// when the run ends.
type TraceWriter struct {
	bw   *bufio.Writer
	json bool
	err  error
}

// NewTextTrace returns a writer of the readable encoding.
func NewTextTrace(w io.Writer) *TraceWriter { return &TraceWriter{bw: bufio.NewWriter(w)} }

// NewJSONTrace returns a writer of the JSON Lines encoding.
func NewJSONTrace(w io.Writer) *TraceWriter {
	return &TraceWriter{bw: bufio.NewWriter(w), json: true}
}

// Event writes one event. Use it as a World subscriber.
func (t *TraceWriter) Event(e *Event) {
	if t.err != nil {
		return
	}
	if t.json {
		t.bw.Write(JSONLine(e))
		t.err = t.bw.WriteByte('\n')
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
