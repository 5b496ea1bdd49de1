// Package service is the one table of the network services mailsim
// simulates: for each kind, its ports and transport, its protocol name
// and RFC, how the window draws and captions it, and how a trace line
// summarises one of its segments. Scenario validation, the world that
// starts the servers, loopback exposure, traces, expectations, the
// window and the README's protocol table all read it; a new protocol is
// a new package under servers/ plus one entry here.
package service

import (
	"fmt"
	"image/color"
	"sort"
	"strings"
)

// Kind names a service, as scenario files spell it: "smtp", "pop3".
type Kind string

// The kinds, in table order.
const (
	SMTP       Kind = "smtp"       // mail transfer between servers, TCP 25 (RFC 5321)
	Submission Kind = "submission" // mail from users' programs with AUTH, TCP 587 (RFC 6409)
	LMTP       Kind = "lmtp"       // local delivery to the mailbox host, TCP 24 (RFC 2033)
	POP3       Kind = "pop3"       // mailbox download, TCP 110 (RFC 1939)
	DNS        Kind = "dns"        // names and MX records, UDP and TCP 53 (RFC 1035)
	IMAP       Kind = "imap"       // mailbox kept on the server, TCP 143 (RFC 3501)
	HTTP       Kind = "http"       // Web Mail's pages, TCP 80 (RFC 9112)
)

// Port is one socket a service listens on.
type Port struct {
	Num       uint16
	Transport string // "tcp" or "udp"
}

func (p Port) String() string { return fmt.Sprintf("%s/%d", p.Transport, p.Num) }

// Shape is how the window draws a segment of a service, so colour is
// never the only cue.
type Shape int

// Shapes.
const (
	ShapeEnvelope Shape = iota
	ShapeTriangle
	ShapeSquare
	ShapeDiamond
	ShapeDot
	ShapeCircle
	ShapeHexagon
	ShapePage
)

// Spec declares one service kind.
type Spec struct {
	Kind  Kind
	Name  string // protocol name as shown: "SMTP"
	RFC   string // the standard it follows
	Ports []Port // where it listens; the first is its well-known port
	// PartOf is the service a scenario lists to run this one: it starts
	// and stops with it ("" when a scenario lists it by itself).
	PartOf Kind
	// Optional: an ISP runs it only if the scenario lists a host for it
	// (every other listed kind must have one).
	Optional bool
	// Replies is the kind whose reply syntax it speaks, for the
	// smtp_reply and pop3_reply expectations ("" when none is checked).
	Replies Kind
	// Exposed says whether `mailsim serve` offers it to real clients.
	Exposed bool
	// Role names a host that runs it, in captions: "SMTP server".
	Role string
	// Client names a user's program that speaks it, in captions:
	// "browser"; "" means "mail program".
	Client string
	// Window: shape, colour (Okabe–Ito palette), legend text and the
	// key that toggles its filter.
	Shape  Shape
	Color  color.RGBA
	Legend string
	Key    string
	// Summary gives a trace line for a segment's payload; nil means the
	// first line of the payload.
	Summary func(transport string, payload []byte) string
	// Caption tells in plain words what a segment means; "" when it has
	// nothing to say.
	Caption func(t Talk) string
}

// table is the one declaration of every service.
var table = []Spec{
	{
		Kind: SMTP, Name: "SMTP", RFC: "RFC 5321", Ports: []Port{{25, "tcp"}},
		Replies: SMTP, Exposed: true, Role: "SMTP server",
		Shape: ShapeEnvelope, Color: color.RGBA{0xE6, 0x9F, 0x00, 0xFF}, Legend: "mail transfer", Key: "1",
		Caption: smtpCaption,
	},
	{
		Kind: Submission, Name: "Submission", RFC: "RFC 6409", Ports: []Port{{587, "tcp"}},
		PartOf: SMTP, Replies: SMTP, Exposed: true, Role: "SMTP server",
		Shape: ShapeEnvelope, Color: color.RGBA{0xD5, 0x5E, 0x00, 0xFF}, Legend: "mail sent with a password", Key: "2",
		Caption: smtpCaption,
	},
	{
		Kind: LMTP, Name: "LMTP", RFC: "RFC 2033", Ports: []Port{{24, "tcp"}},
		PartOf: POP3, Replies: SMTP, Exposed: false, Role: "POP3 server",
		Shape: ShapeTriangle, Color: color.RGBA{0xCC, 0x79, 0xA7, 0xFF}, Legend: "local delivery to POP3 host", Key: "3",
		Caption: smtpCaption,
	},
	{
		Kind: POP3, Name: "POP3", RFC: "RFC 1939", Ports: []Port{{110, "tcp"}},
		Replies: POP3, Exposed: true, Role: "POP3 server",
		Shape: ShapeSquare, Color: color.RGBA{0x00, 0x72, 0xB2, 0xFF}, Legend: "mailbox download", Key: "4",
		Caption: pop3Caption,
	},
	{
		Kind: DNS, Name: "DNS", RFC: "RFC 1035", Ports: []Port{{53, "udp"}, {53, "tcp"}},
		Exposed: true, Role: "DNS server",
		Shape: ShapeDiamond, Color: color.RGBA{0x00, 0x9E, 0x73, 0xFF}, Legend: "name lookup", Key: "5",
		Summary: dnsSummary, Caption: dnsCaption,
	},
	{
		Kind: IMAP, Name: "IMAP", RFC: "RFC 3501", Ports: []Port{{143, "tcp"}},
		PartOf: POP3, Replies: IMAP, Exposed: true, Role: "IMAP server",
		Shape: ShapeHexagon, Color: color.RGBA{0x56, 0xB4, 0xE9, 0xFF}, Legend: "mailbox kept on the server", Key: "6",
		Caption: imapCaption,
	},
	{
		Kind: HTTP, Name: "HTTP", RFC: "RFC 9112", Ports: []Port{{80, "tcp"}},
		Optional: true, Replies: HTTP, Exposed: true, Role: "Web Mail", Client: "browser",
		Shape: ShapePage, Color: color.RGBA{0xF0, 0xE4, 0x42, 0xFF}, Legend: "web page (Web Mail)", Key: "7",
		Summary: httpSummary, Caption: httpCaption,
	},
}

// byKind and byPort index the table. byPort is an array, not a map: a
// traced run asks it twice per segment, and its ports are all well
// known (below 1024, which init checks).
var (
	byKind = map[Kind]*Spec{}
	byPort [1024]*Spec
)

func init() {
	for i := range table {
		s := &table[i]
		if byKind[s.Kind] != nil {
			panic("service: kind " + string(s.Kind) + " declared twice")
		}
		byKind[s.Kind] = s
		for _, p := range s.Ports {
			if int(p.Num) >= len(byPort) {
				panic(fmt.Sprintf("service: port %d of %s is not below %d", p.Num, s.Kind, len(byPort)))
			}
			if o := byPort[p.Num]; o != nil && o != s {
				panic(fmt.Sprintf("service: port %d of %s is %s's", p.Num, s.Kind, o.Kind))
			}
			byPort[p.Num] = s
		}
	}
}

// All returns every service in table order.
func All() []*Spec {
	out := make([]*Spec, len(table))
	for i := range table {
		out[i] = &table[i]
	}
	return out
}

// Lookup finds a kind's declaration.
func Lookup(k Kind) (*Spec, bool) {
	s, ok := byKind[k]
	return s, ok
}

// Of is Lookup for a kind known to exist.
func Of(k Kind) *Spec {
	s, ok := byKind[k]
	if !ok {
		panic("service: unknown kind " + string(k))
	}
	return s
}

// ByPort names the service listening on a port, or nil.
func ByPort(port uint16) *Spec {
	if int(port) < len(byPort) {
		return byPort[port]
	}
	return nil
}

// OfConversation names the service of a conversation between two ports:
// the destination's if it is well known, else the source's, else nil.
func OfConversation(src, dst uint16) *Spec {
	if s := ByPort(dst); s != nil {
		return s
	}
	return ByPort(src)
}

// Listed returns the kinds a scenario may list for a server host, in
// table order.
func Listed() []Kind {
	var out []Kind
	for _, s := range table {
		if s.PartOf == "" {
			out = append(out, s.Kind)
		}
	}
	return out
}

// Parts returns the services that run as part of k.
func Parts(k Kind) []Kind {
	var out []Kind
	for _, s := range table {
		if s.PartOf == k {
			out = append(out, s.Kind)
		}
	}
	return out
}

// Port is the well-known port of the kind.
func (s *Spec) Port() uint16 { return s.Ports[0].Num }

// Order sorts kinds in table order.
func Order(ks []Kind) []Kind {
	out := append([]Kind(nil), ks...)
	idx := func(k Kind) int {
		for i := range table {
			if table[i].Kind == k {
				return i
			}
		}
		return len(table)
	}
	sort.SliceStable(out, func(i, j int) bool { return idx(out[i]) < idx(out[j]) })
	return out
}

// Summarize gives the trace line of a segment on a port of this
// service; "" lets the caller use its default (the first line).
func (s *Spec) Summarize(transport string, payload []byte) string {
	if s.Summary == nil || len(payload) == 0 {
		return ""
	}
	return s.Summary(transport, payload)
}

// Markdown is the README's table of services.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| service | protocol | port | standard | in the window |\n|---|---|---|---|---|\n")
	for _, s := range table {
		var ports []string
		for _, p := range s.Ports {
			ports = append(ports, fmt.Sprintf("%s %d", strings.ToUpper(p.Transport), p.Num))
		}
		part := ""
		if s.PartOf != "" {
			part = fmt.Sprintf(" (runs with `%s`)", s.PartOf)
		}
		fmt.Fprintf(&b, "| `%s`%s | %s | %s | %s | %s %s, key %s |\n", s.Kind, part, s.Name,
			strings.Join(ports, ", "), s.RFC, shapeNames[s.Shape], s.Legend, s.Key)
	}
	return b.String()
}

var shapeNames = map[Shape]string{
	ShapeEnvelope: "envelope:", ShapeTriangle: "triangle:", ShapeSquare: "square:",
	ShapeDiamond: "diamond:", ShapeDot: "dot:", ShapeCircle: "ring:",
	ShapeHexagon: "hexagon:", ShapePage: "page:",
}
