package view

import (
	"fmt"
	"strings"

	"mailsim/servers/service"
	"mailsim/sim"
)

// Layer is one line of a packet's layer-by-layer view, like Packet
// Tracer's OSI view: the link it crosses, then IPv4, TCP or UDP, then
// the application's lines.
type Layer struct {
	Name string // "Link", "IPv4", "TCP", "UDP", "SMTP"…
	Text string
}

// Layers describes one hop of a segment, from the bottom layer up.
// Headers the simulation does not model are given as they would be on
// the wire (IPv4 without options, TCP without options).
func Layers(e *sim.Event) []Layer {
	if e == nil || e.Kind != sim.KindHop {
		return nil
	}
	var out []Layer
	out = append(out, Layer{"Link", fmt.Sprintf("hop %d of %d: %s → %s over link %s", e.Hop, e.Hops, e.From, e.To, e.Link)})
	tl, proto, hdr := "UDP", 17, 8
	if e.Proto == "tcp" {
		tl, proto, hdr = "TCP", 6, 20
	}
	out = append(out, Layer{"IPv4", fmt.Sprintf("%s → %s, protocol %d (%s), TTL %d, total length %d bytes",
		e.Src.Addr(), e.Dst.Addr(), proto, tl, 64-(e.Hop-1), 20+hdr+len(e.Payload))})
	if e.Proto == "tcp" {
		out = append(out, Layer{tl, fmt.Sprintf("port %d → %d, flags [%s], seq %d, ack %d, %d bytes of data",
			e.Src.Port(), e.Dst.Port(), e.Flags, e.TCPSeq, e.TCPAck, len(e.Payload))})
	} else {
		out = append(out, Layer{tl, fmt.Sprintf("port %d → %d, length %d", e.Src.Port(), e.Dst.Port(), 8+len(e.Payload))})
	}
	if len(e.Payload) == 0 {
		return out
	}
	app := Classify(e).String()
	if e.Proto == "udp" || Classify(e) == ProtoOf(service.DNS) {
		return append(out, Layer{app, e.Summary})
	}
	lines := strings.Split(strings.TrimSuffix(string(e.Payload), "\n"), "\n")
	for i, l := range lines {
		if i == 6 {
			out = append(out, Layer{app, fmt.Sprintf("… %d more lines", len(lines)-6)})
			break
		}
		out = append(out, Layer{app, printableLine(l)})
	}
	return out
}

// ExpandTabs replaces tabs with spaces up to the next multiple of 8,
// as a terminal shows them; the window's fonts draw a tab as a box.
func ExpandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}
