package sim

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Kind tells a hop from a note.
type Kind string

const (
	// KindHop is one segment crossing one link.
	KindHop Kind = "hop"
	// KindNote is something a host or the world reports in words
	// ("queued", "link down"), with no segment.
	KindNote Kind = "note"
	// KindDrop is a segment lost on a link that went down.
	KindDrop Kind = "drop"
	// KindStep is a step of a message's journey (composed, relayed,
	// stored…), reported by the layer that runs the servers.
	KindStep Kind = "step"
)

// TCPFlags are the TCP header flags of a segment.
type TCPFlags uint8

// TCP flags, with the bit values of the TCP header.
const (
	FIN TCPFlags = 1 << iota
	SYN
	RST
	PSH
	ACK
)

// flagText is every set of flags written out, as String gives them,
// "SYN,ACK": a trace writes one per TCP segment.
var flagText = func() (t [256]string) {
	names := []struct {
		f TCPFlags
		s string
	}{{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"}}
	for f := range t {
		var parts []string
		for _, x := range names {
			if TCPFlags(f)&x.f != 0 {
				parts = append(parts, x.s)
			}
		}
		t[f] = strings.Join(parts, ",")
	}
	return t
}()

func (f TCPFlags) String() string { return flagText[f] }

// Event is one thing that happened, in order. For a hop it describes one
// segment (or datagram) crossing one link.
type Event struct {
	Seq  uint64 // 1, 2, 3… in trace order
	Kind Kind

	Depart time.Duration // virtual time the segment leaves From
	Arrive time.Duration // virtual time it reaches To
	Link   string        // link name, "a—b"
	From   string        // node at the sending end of the link
	To     string        // node at the receiving end
	Hop    int           // 1-based index of this link on the route
	Hops   int           // number of links on the route

	Proto   string         // "tcp" or "udp"
	Src     netip.AddrPort // sending host's address and port
	Dst     netip.AddrPort
	SrcHost string
	DstHost string
	Flags   TCPFlags // TCP only
	TCPSeq  uint32   // TCP sequence number, as on the wire
	TCPAck  uint32   // TCP acknowledgement number (valid with ACK)
	Payload []byte   // shared by every hop of the segment: do not modify
	Conn    uint64   // TCP connection id (shared by both ends) or sending UDP socket id
	Summary string   // one line: "MAIL FROM:<lisa@otherisp.com>", "MX? comentum.com"

	Host string // for notes: who says it ("" for the world); for steps: where it happened
	Text string // for notes and drops; for steps, the step in words

	Msg   string // the message whose data this segment carries, or the step's message ("M1")
	Step  string // for steps: what happened ("relayed", "stored"…)
	Reply string // for steps: the reply that decided it ("250 2.0.0 Ok: queued as 0D5A4C2735")
}

// Time is when the event starts: the departure of a hop, the time of a note.
func (e *Event) Time() time.Duration { return e.Depart }

// packet is a segment or datagram in flight.
type packet struct {
	proto   string
	src     netip.AddrPort
	dst     netip.AddrPort
	srcHost *Host
	dstHost *Host
	flags   TCPFlags
	seq     uint32
	ack     uint32
	payload []byte
	conn    uint64
	summary string
	msg     string
	tagged  bool
	route   []hop
	idx     int
	from    *tcpConn     // TCP: the conn that sent it (its route is cached there)
	resend  bool         // TCP: from retransmits it if it is lost
	tries   int          // retransmissions so far
	lostWhy string       // set when a link's behaviour lost it on the hop in flight
	orig    *unreachable // ICMP: the datagram it reports on
	kept    bool         // TCP: held after delivery (out of order), so not reused
}

// size is the IP packet's: 20 octets of IP header, then 20 of TCP or 8
// of UDP or ICMP.
func (p *packet) size() int {
	if p.proto == "tcp" {
		return 20 + 20 + len(p.payload)
	}
	return 20 + 8 + len(p.payload)
}

// forward sends p across the link at p.idx. w.mu must be held.
func (w *World) forward(p *packet) {
	h := p.route[p.idx]
	l := h.link
	if !l.up {
		w.drop(p, l)
		return
	}
	depart := w.now
	if l.busy[h.dir] > depart {
		depart = l.busy[h.dir]
	}
	var tx time.Duration
	if l.Bandwidth > 0 {
		tx = time.Duration(int64(p.size()) * 8 * int64(time.Second) / l.Bandwidth)
	}
	l.busy[h.dir] = depart + tx
	arrive := depart + tx + l.Latency
	if len(l.behaviours) > 0 {
		extra, lost := w.cross(l)
		arrive = max(arrive+extra, l.last[h.dir])
		l.last[h.dir] = arrive
		p.lostWhy = lost
	}
	if !w.heard() {
		if depart == w.now {
			w.evSeq++
		} else {
			w.push(depart).emit = &unheard
		}
		it := w.push(arrive)
		it.pkt, it.link = p, l
		return
	}
	// Field by field into the blank record: a literal is built on the
	// stack first, which made this frame half a kilobyte.
	ev := w.newEvent()
	ev.Kind, ev.Depart, ev.Arrive, ev.Link = KindHop, depart, arrive, l.Name
	ev.From, ev.To, ev.Hop, ev.Hops = h.from().name, h.to().name, p.idx+1, len(p.route)
	ev.Proto, ev.Src, ev.Dst, ev.SrcHost, ev.DstHost = p.proto, p.src, p.dst, p.srcHost.name, p.dstHost.name
	ev.Flags, ev.TCPSeq, ev.TCPAck, ev.Payload, ev.Conn = p.flags, p.seq, p.ack, p.payload, p.conn
	ev.Summary, ev.Msg = p.summary, p.msg
	if depart == w.now {
		w.emit(ev)
	} else {
		w.push(depart).emit = ev
	}
	it := w.push(arrive)
	it.pkt, it.link = p, l
}

// arrive moves p to the far end of l: on to the next link, or delivered.
func (w *World) arrive(p *packet, l *Link) {
	if !l.up {
		w.drop(p, l)
		return
	}
	if why := p.lostWhy; why != "" {
		p.lostWhy = ""
		w.lost(p, l.Name, why)
		return
	}
	p.idx++
	if p.idx == len(p.route) {
		w.deliverPacket(p)
		return
	}
	w.forward(p)
}

func (w *World) drop(p *packet, l *Link) {
	w.lost(p, l.Name, fmt.Sprintf("lost on link %s (down)", l.Name))
}

// lost records a segment that never arrives, and lets TCP retransmit it.
func (w *World) lost(p *packet, link, why string) {
	w.evSeq++
	ev := w.newEvent()
	*ev = Event{
		Seq: w.evSeq, Kind: KindDrop, Depart: w.now, Arrive: w.now, Link: link,
		Proto: p.proto, Src: p.src, Dst: p.dst, SrcHost: p.srcHost.name, DstHost: p.dstHost.name,
		Flags: p.flags, TCPSeq: p.seq, TCPAck: p.ack, Conn: p.conn, Summary: p.summary,
		Text: why,
	}
	w.pending = append(w.pending, ev)
	if p.resend {
		p.from.retransmit(p)
	}
}

func (w *World) emit(ev *Event) {
	w.evSeq++
	if ev == &unheard {
		return
	}
	ev.Seq = w.evSeq
	w.pending = append(w.pending, ev)
}

// noteLocked records a note event. w.mu must be held.
func (w *World) noteLocked(host, text string) {
	if w.closing {
		return // nobody reads the trace of a closed world
	}
	w.evSeq++
	if !w.heard() {
		return
	}
	ev := w.newEvent()
	*ev = Event{Seq: w.evSeq, Kind: KindNote, Depart: w.now, Arrive: w.now, Host: host, Text: text}
	w.pending = append(w.pending, ev)
}

// AddStep records a message step at the current virtual time. The
// caller fills in what happened; Kind, Seq and the times are set here.
// It is called from simulated goroutines, one at a time, so steps come
// out in the same order on every run.
func (w *World) AddStep(e Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e.Kind, e.Depart, e.Arrive = KindStep, w.now, w.now
	ev := w.newEvent()
	*ev = e
	w.emit(ev)
}

// SetTagger installs the function that names the message a segment
// carries ("M1", or "" for none). It is called once per segment, on the
// kernel goroutine, with the segment's protocol, addresses, flags,
// payload and Conn; it must not call back into the world. Only events
// carry the name, so while nobody subscribes it is not called: subscribe
// before the run starts.
func (w *World) SetTagger(fn func(*Event) string) { w.tagger = fn }

func (w *World) tag(p *packet) {
	if p.tagged || w.tagger == nil || !w.heard() {
		return
	}
	p.tagged = true
	ev := w.scratchOf(p)
	p.msg = w.tagger(ev)
	ev.Payload = nil
}

// scratchOf fills the one scratch event the tagger and summarizer are
// given with p's segment; only those fields are ever set. Field by
// field, not a literal: that is built on the stack, and made the frames
// of every caller a few hundred bytes deeper.
func (w *World) scratchOf(p *packet) *Event {
	ev := &w.scratch
	ev.Proto, ev.Src, ev.Dst, ev.Flags, ev.Payload, ev.Conn = p.proto, p.src, p.dst, p.flags, p.payload, p.conn
	return ev
}

// Note records a note from outside any host, e.g. a scenario action.
func (w *World) Note(text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.noteLocked("", text)
}

func (w *World) summarize(p *packet) string {
	if w.summary != nil {
		// One scratch event serves every call: the kernel is single-threaded here.
		ev := w.scratchOf(p)
		s := w.summary(ev)
		ev.Payload = nil
		if s != "" {
			return s
		}
	}
	return DefaultSummary(p.proto, p.flags, p.payload)
}

// bareSummary is the summary of a segment with no data, by its flags:
// "[ACK]", "[SYN, ACK]"… Half a trace's segments are such.
var bareSummary = func() (s [256]string) {
	for f := range s {
		s[f] = "[" + TCPFlags(f).String() + "]"
	}
	return s
}()

// DefaultSummary is the first line of the payload for TCP, or the flags of
// an empty segment; for UDP, the datagram size.
func DefaultSummary(proto string, flags TCPFlags, payload []byte) string {
	if len(payload) == 0 {
		if proto == "tcp" {
			return bareSummary[flags]
		}
		return "empty datagram"
	}
	if proto == "udp" {
		return fmt.Sprintf("%d-byte datagram", len(payload))
	}
	line := payload
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, "\r")
	return printable(line, 72, len(payload) > len(line)+2)
}

// printable quotes control and non-ASCII bytes as \xNN and cuts b to
// max bytes ("…" if cut); more adds " …" (the payload goes on). It runs
// once per segment of a trace, so plain runs are copied whole.
func printable(b []byte, max int, more bool) string {
	head := b[:min(len(b), max)]
	var sb strings.Builder
	sb.Grow(len(head) + len("… …"))
	for len(head) > 0 {
		i := 0
		for i < len(head) && head[i] >= 0x20 && head[i] < 0x7f {
			i++
		}
		sb.Write(head[:i])
		if i == len(head) {
			break
		}
		c := head[i]
		sb.WriteString(`\x`)
		sb.WriteByte(hexDigits[c>>4])
		sb.WriteByte(hexDigits[c&0xf])
		head = head[i+1:]
	}
	if len(b) > max {
		sb.WriteString("…")
	}
	if more {
		sb.WriteString(" …")
	}
	return sb.String()
}
