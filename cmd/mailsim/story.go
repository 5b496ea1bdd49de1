package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"mailsim/servers/service"
	"mailsim/servers/world"
	"mailsim/sim"
)

// filter selects what the story and packet views print: --proto, --host
// and --tcp.
type filter struct {
	protos map[string]bool // empty: every protocol
	hosts  map[string]bool // empty: every host
	tcp    bool            // show bare TCP control segments (packets view)
}

// parseList splits "smtp,dns" into a set; "" gives an empty set.
func parseList(s string) map[string]bool {
	set := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			set[p] = true
		}
	}
	return set
}

// knownProtos are the values --proto takes.
var knownProtos = func() []string {
	var ks []string
	for _, s := range service.All() {
		ks = append(ks, string(s.Kind))
	}
	return ks
}()

// packetProto is the protocol of a segment by its ports, "tcp" or "udp"
// when neither is a mail protocol's.
func packetProto(e *sim.Event) string {
	if p := world.PortProtocol(e.Dst.Port()); p != "" {
		return p
	}
	if p := world.PortProtocol(e.Src.Port()); p != "" {
		return p
	}
	return e.Proto
}

func (f *filter) hostOK(names ...string) bool {
	if len(f.hosts) == 0 {
		return true
	}
	for _, n := range names {
		if f.hosts[n] {
			return true
		}
	}
	return false
}

// step reports whether a story step is shown.
func (f *filter) step(e *sim.Event) bool {
	if len(f.protos) > 0 && !f.protos[e.Proto] {
		return false
	}
	return f.hostOK(e.Host, e.From, e.To)
}

// packet reports whether a line of the packets view is shown.
func (f *filter) packet(e *sim.Event) bool {
	switch e.Kind {
	case sim.KindStep:
		return false
	case sim.KindNote:
		return len(f.protos) == 0 && f.hostOK(e.Host)
	}
	if e.Kind == sim.KindHop && !f.tcp && e.Proto == "tcp" && len(e.Payload) == 0 {
		return false
	}
	if len(f.protos) > 0 && !f.protos[packetProto(e)] {
		return false
	}
	return f.hostOK(e.From, e.To, e.SrcHost, e.DstHost)
}

// storyWriter prints the story view: one numbered line per step.
type storyWriter struct {
	bw  *bufio.Writer
	f   *filter
	n   int // steps seen, shown or not: the step numbers stay stable under filters
	err error
}

func newStoryWriter(w io.Writer, f *filter) *storyWriter {
	return &storyWriter{bw: bufio.NewWriter(w), f: f}
}

func (s *storyWriter) Event(e *sim.Event) {
	if e.Kind != sim.KindStep {
		return
	}
	s.n++
	if !s.f.step(e) || s.err != nil {
		return
	}
	_, s.err = fmt.Fprintln(s.bw, storyLine(s.n, e))
}

func (s *storyWriter) Flush() error {
	if err := s.bw.Flush(); s.err == nil {
		s.err = err
	}
	return s.err
}

// storyLine is "  3  0.08s  lisa-pc → smtp.otherisp.com:25  SMTP  M1  Lisa's mail program hands…".
func storyLine(n int, e *sim.Event) string {
	where := e.Host
	if e.From != "" && e.To != "" {
		where = e.From + " → " + e.To
		if e.Dst.IsValid() {
			where += fmt.Sprintf(":%d", e.Dst.Port())
		}
	}
	msg := e.Msg
	if msg == "" {
		msg = "-"
	}
	return fmt.Sprintf("%3d  %-10s  %-3s  %-42s  %-*s  %s", n, sim.HumanTime(e.Depart), msg, where, protoWidth, protoName(e.Proto), e.Text)
}

// protoName is how the story names a step's protocol: the service
// table's name ("SMTP", "Submission"), or the kind upper-cased.
func protoName(kind string) string {
	if s, ok := service.Lookup(service.Kind(kind)); ok {
		return s.Name
	}
	return strings.ToUpper(kind)
}

// protoWidth fits the longest protocol name of the table.
var protoWidth = func() int {
	w := 0
	for _, s := range service.All() {
		w = max(w, len(s.Name))
	}
	return w
}()

// packetWriter prints the per-link packet trace, filtered.
type packetWriter struct {
	tw *sim.TraceWriter
	f  *filter
}

func (p *packetWriter) Event(e *sim.Event) {
	if p.f.packet(e) {
		p.tw.Event(e)
	}
}
