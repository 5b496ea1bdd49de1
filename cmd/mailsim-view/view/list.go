package view

import (
	"bytes"
	"sort"
	"strings"

	"mailsim/sim"
)

// Rows returns up to n visible entries of the event list ending at the
// moment shown: notes, drops and the first hop of each segment (Hop 1),
// so each segment is listed once, like a packet tracer's list. back
// scrolls that many rows towards the start.
func (m *Model) Rows(n, back int) []*sim.Event {
	hi := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart > m.T })
	out := make([]*sim.Event, 0, n)
	skip := back
	for i := hi - 1; i >= 0 && len(out) < n; i-- {
		e := m.Log[i]
		if e.Kind == sim.KindHop && e.Hop != 1 || !m.visible(e) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, e)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Select picks an event (from the list) and so its conversation.
func (m *Model) Select(e *sim.Event) { m.Selected = e }

// Line is one line of a conversation's transcript.
type Line struct {
	Client bool   // sent by the client (C:), else the server (S:)
	Text   string // without CR LF
	Time   string
}

// Transcript returns the payload lines of the selected conversation up to
// the moment shown, each segment counted once (Hop 1), split at CR LF
// like a real SMTP or POP3 session; a DNS flow gives one line per
// datagram, its summary. At most max lines, the latest.
func (m *Model) Transcript(max int) []Line {
	sel := m.Selected
	if sel == nil || sel.Kind != sim.KindHop {
		return nil
	}
	var lines []Line
	partial := [2]string{}
	for _, e := range m.Log {
		if e.Depart > m.T {
			break
		}
		if e.Kind != sim.KindHop || e.Hop != 1 || !SameConversation(e, sel) || len(e.Payload) == 0 {
			continue
		}
		client := FromClient(e)
		ts := FmtTime(e.Depart)
		if e.Proto == "udp" || e.Proto == "icmp" {
			lines = append(lines, Line{client, e.Summary, ts})
			continue
		}
		side := 0
		if client {
			side = 1
		}
		buf := partial[side] + string(e.Payload)
		for {
			i := strings.IndexByte(buf, '\n')
			if i < 0 {
				break
			}
			lines = append(lines, Line{client, printableLine(buf[:i]), ts})
			buf = buf[i+1:]
		}
		partial[side] = buf
	}
	if len(lines) > max {
		lines = lines[len(lines)-max:]
	}
	return lines
}

// SameConversation reports whether two hops belong to one TCP connection
// or UDP flow: the same two endpoints, either way round. (The sim's Conn
// id names one end of a connection, so it differs by direction.)
func SameConversation(a, b *sim.Event) bool {
	return a.Proto == b.Proto && (a.Src == b.Src && a.Dst == b.Dst || a.Src == b.Dst && a.Dst == b.Src)
}

// printableLine drops the CR and shows control bytes as \xNN.
func printableLine(s string) string {
	s = strings.TrimSuffix(s, "\r")
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' {
			b.WriteString(strings.Repeat(" ", 8-b.Len()%8))
		} else if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		}
	}
	return b.String()
}
