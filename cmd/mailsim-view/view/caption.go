package view

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"mailsim/servers/service"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// Cast knows who is who in a scenario, to tell its story in words.
type Cast struct {
	hosts map[string]scenario.Host
	owner map[string]string // PC host → "Lisa"
	// program a PC runs where the service does not say (its DNS
	// lookups): "browser" on a PC with no mail program.
	program map[string]string
}

// NewCast reads the people and servers of sc.
func NewCast(sc *scenario.Scenario) *Cast {
	c := &Cast{hosts: map[string]scenario.Host{}, owner: map[string]string{}, program: map[string]string{}}
	for _, h := range sc.Hosts {
		c.hosts[h.Name] = h
	}
	for _, pc := range sc.PCs {
		if pc.User != "" {
			c.owner[pc.Host] = personName(pc.User)
		} else {
			c.program[pc.Host] = "browser"
		}
	}
	// A browser PC without an account of its own belongs, in captions,
	// to the one person who uses Web Mail on it.
	users := map[string]string{}
	for _, a := range sc.Timeline {
		if a.Web == nil || c.owner[a.Host] != "" && users[a.Host] == "" {
			continue
		}
		if u, seen := users[a.Host]; seen && u != a.Web.User {
			users[a.Host] = "-"
			continue
		}
		users[a.Host] = a.Web.User
	}
	for h, u := range users {
		if u != "-" {
			c.owner[h] = personName(u)
		}
	}
	return c
}

// who names a host in the role it plays on a port: "Lisa's mail
// program", "otherisp's SMTP server", "the root DNS server". A server
// that is the client of a service it does not run (an SMTP server
// asking DNS, or handing mail over LMTP) is named by its own first role.
func (c *Cast) who(host string, port uint16, client bool) string {
	h, ok := c.hosts[host]
	if !ok {
		return host
	}
	switch h.Kind {
	case scenario.KindPC:
		program := "mail program"
		if s := service.ByPort(port); s != nil && s.Client != "" {
			program = s.Client
		} else if p := c.program[host]; p != "" {
			program = p
		}
		if p := c.owner[host]; p != "" {
			return p + "'s " + program
		}
		return "the " + program + " on " + host
	case scenario.KindRoot:
		return "the root DNS server"
	case scenario.KindRouter:
		return "router " + host
	}
	role := ""
	if s := service.ByPort(port); s != nil {
		role = s.Role
		if client && !hasService(h, s.Kind) && len(h.Services) > 0 {
			role = service.Of(h.Services[0]).Role
		}
	}
	if h.ISP == "" {
		return host
	}
	if role == "" {
		return h.ISP + "'s server " + host
	}
	return h.ISP + "'s " + role
}

// Caption tells in plain words what an event means: "Lisa's mail program
// hands the message to otherisp's SMTP server on TCP port 25". It is ""
// for events not worth a sentence (hops after the first, bare ACKs).
func (c *Cast) Caption(e *sim.Event) string { return c.caption(e, "", nil) }

// caption is Caption with what the log adds: the subject of the message
// the segment carries and the client's earlier commands.
func (c *Cast) caption(e *sim.Event, subject string, before []string) string {
	switch e.Kind {
	case sim.KindNote:
		// A host's notes are its log lines: the event list shows them,
		// the journeys' steps tell the story in words instead.
		if e.Host != "" {
			return ""
		}
		return e.Text
	case sim.KindStep:
		return e.Text
	case sim.KindDrop:
		return fmt.Sprintf("A segment (%s) is lost: %s.", e.Summary, e.Text)
	}
	if e.Hop != 1 {
		return ""
	}
	port := ServicePort(e)
	client := FromClient(e)
	from := c.who(e.SrcHost, port, client)
	to := c.who(e.DstHost, port, !client)
	if e.Proto == "tcp" && len(e.Payload) == 0 {
		switch {
		case e.Flags&sim.SYN != 0 && e.Flags&sim.ACK == 0:
			return fmt.Sprintf("%s opens a TCP connection to %s on port %d (SYN).", service.Capital(from), to, port)
		case e.Flags&sim.SYN != 0:
			return fmt.Sprintf("%s accepts the connection (SYN-ACK).", service.Capital(from))
		case e.Flags&sim.FIN != 0:
			return fmt.Sprintf("%s closes its side of the connection (FIN).", service.Capital(from))
		case e.Flags&sim.RST != 0:
			return fmt.Sprintf("%s resets the connection (RST).", service.Capital(from))
		}
		return ""
	}
	s := strings.TrimSpace(e.Summary)
	var out string
	if spec := service.ByPort(port); spec != nil && spec.Caption != nil {
		if spec.Kind == service.DNS && client {
			to = c.dnsTarget(e, to)
		}
		out = spec.Caption(service.Talk{
			Summary: s, From: from, To: to, Client: client, Port: port, Kind: spec.Kind,
			FromPC: c.hosts[e.SrcHost].Kind == scenario.KindPC, Subject: subject, Before: before,
		})
	}
	if out == "" {
		out = fmt.Sprintf("%s sends %s: %s", service.Capital(from), to, s)
	}
	return out
}

// dnsTarget names whom a query asks: "DNS" for the asker's own ISP's
// resolver, else the server by its role.
func (c *Cast) dnsTarget(e *sim.Event, to string) string {
	if src, dst := c.hosts[e.SrcHost], c.hosts[e.DstHost]; src.ISP != "" && src.ISP == dst.ISP {
		return "DNS"
	}
	return to
}

func hasService(h scenario.Host, s scenario.Service) bool { return slices.Contains(h.Services, s) }

// StoryLine is the story so far in one sentence: while a letter is on
// its way, the transfer carrying it; else the latest step of a message's
// journey or of the timeline ("Bob presses Send/Recv…"), after
// an idle stretch that story pace compressed prefixed by how long it was
// ("29 s later: …").
func (m *Model) StoryLine() (string, *sim.Event) {
	if m.letters != nil && len(m.letters.List) <= 20 { // a crowd has no one letter to follow
		if s, ok := m.letters.Underway(m.T); ok {
			return s, nil
		}
	}
	hi := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart > m.T })
	for i := hi - 1; i >= 0 && i >= hi-4000; i-- {
		e := m.Log[i]
		if e.Kind != sim.KindStep || e.Text == "" {
			continue
		}
		s := Plain(e.Text)
		if g, ok := m.Pace.GapAt(e.Depart, 0); ok && m.Pace.Story && 2*(e.Depart-g.From) > g.To-g.From {
			s = Later(g.To-g.From) + " later: " + s
		}
		return s, e
	}
	return "", nil
}

// rawErrors turn the network errors a step quotes into plain words.
var rawErrors = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`connect to (\S+?)\[[^\]]*\]:(\d+): connect: connection refused`), "$1 refused the connection on port $2: no server is listening there"},
	{regexp.MustCompile(`connect to (\S+?)\[[^\]]*\]:(\d+): [^;)]*(timeout|timed out)[^;)]*`), "$1 did not answer on port $2"},
	{regexp.MustCompile(`connect to (\S+?)\[[^\]]*\]:(\d+): [^;)]*unreachable[^;)]*`), "$1 cannot be reached: no route to it"},
}

// Plain rewrites the raw network errors in a step's sentence.
func Plain(s string) string {
	if !strings.Contains(s, "connect to ") { // what every rawErrors pattern starts with
		return s
	}
	for _, r := range rawErrors {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// Later says how long an idle stretch was: "29 s", "2 min", "1 h 5 min".
func Later(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Caption is the sentence for the moment shown: the latest visible
// segment or world note at or before T that has one.
func (m *Model) Caption() (string, *sim.Event) {
	hi := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart > m.T })
	for i := hi - 1; i >= 0 && i >= hi-4000; i-- {
		e := m.Log[i]
		if e.Kind == sim.KindStep || !m.visible(e) && e.Kind == sim.KindHop && !(e.Flags&sim.SYN != 0 && e.Flags&sim.ACK == 0) {
			continue
		}
		if s := m.captionOf(i); s != "" {
			return s, e
		}
	}
	return "", nil
}

// captionOf is the caption of m.Log[i] with its context, cached: the
// log of a run never changes.
func (m *Model) captionOf(i int) string {
	e := m.Log[i]
	if s, ok := m.captions[e]; ok {
		return s
	}
	if m.captions == nil {
		m.captions = map[*sim.Event]string{}
	}
	subject := ""
	if e.Msg != "" && m.letters != nil {
		subject = m.letters.Subject(e.Msg)
	}
	var before []string
	if e.Kind == sim.KindHop && e.Hop == 1 && len(e.Payload) > 0 && FromClient(e) {
		before = []string{} // known, perhaps empty
		for j := i - 1; j >= 0 && j >= i-4000; j-- {
			x := m.Log[j]
			if x.Kind == sim.KindHop && x.Hop == 1 && len(x.Payload) > 0 && x.Src == e.Src && x.Dst == e.Dst && x.Proto == e.Proto {
				before = append(before, x.Summary)
			}
		}
	}
	s := m.Cast.caption(e, subject, before) + m.senderCheck(i)
	m.captions[e] = s
	return s
}

var reQuery = regexp.MustCompile(`^\w+\? (\S+)`)

// senderCheck explains a DNS query an SMTP server makes about the domain
// of a sender it is talking to: it checks that the domain exists before
// it takes mail from it (the sender-domain check).
func (m *Model) senderCheck(i int) string {
	e := m.Log[i]
	if e.Kind != sim.KindHop || e.Hop != 1 || !FromClient(e) || ProtoOf(service.DNS) != ByPort(e.Src.Port(), e.Dst.Port()) {
		return ""
	}
	q := reQuery.FindStringSubmatch(e.Summary)
	if q == nil {
		return ""
	}
	domain := strings.TrimSuffix(strings.ToLower(q[1]), ".")
	for j := i - 1; j >= 0 && j >= i-2000 && e.Depart-m.Log[j].Depart < 30*time.Second; j-- {
		x := m.Log[j]
		if x.Kind == sim.KindHop && x.DstHost == e.SrcHost && x.Hop == x.Hops && strings.HasPrefix(strings.ToUpper(x.Summary), "MAIL FROM:") &&
			strings.Contains(strings.ToLower(x.Summary), "@"+domain+">") {
			return " Why: it was just offered mail from " + domain + ", and checks that the sender's domain exists before taking it (RFC 5321 §5.1)."
		}
	}
	return ""
}
