package view

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// Cast knows who is who in a scenario, to tell its story in words.
type Cast struct {
	hosts map[string]scenario.Host
	owner map[string]string // PC host → "Lisa"
}

// NewCast reads the people and servers of sc.
func NewCast(sc *scenario.Scenario) *Cast {
	c := &Cast{hosts: map[string]scenario.Host{}, owner: map[string]string{}}
	for _, h := range sc.Hosts {
		c.hosts[h.Name] = h
	}
	for _, pc := range sc.PCs {
		if pc.User != "" {
			c.owner[pc.Host] = personName(pc.User)
		}
	}
	return c
}

// who names a host in the role it plays on a port: "Lisa's mail
// program", "otherisp's SMTP server", "the root DNS server".
func (c *Cast) who(host string, port uint16, client bool) string {
	h, ok := c.hosts[host]
	if !ok {
		return host
	}
	switch h.Kind {
	case scenario.KindPC:
		if p := c.owner[host]; p != "" {
			return p + "'s mail program"
		}
		return "the mail program on " + host
	case scenario.KindRoot:
		return "the root DNS server"
	case scenario.KindRouter:
		return "router " + host
	}
	role := ""
	switch {
	case port == 53 && client && !hasService(h, scenario.DNS) && hasService(h, scenario.SMTP):
		role = "SMTP"
	case port == 53:
		role = "DNS"
	case port == 24 && client, port == 25 || port == 587:
		role = "SMTP"
	case port == 24, port == 110:
		role = "POP3"
	}
	if h.ISP == "" {
		return host
	}
	if role == "" {
		return h.ISP + "'s server " + host
	}
	return h.ISP + "'s " + role + " server"
}

var (
	reAngle   = regexp.MustCompile(`<([^>]*)>`)
	reNumArg  = regexp.MustCompile(`^\S+\s+(\d+)`)
	reDNSQ    = regexp.MustCompile(`^(\w+)\? (\S+)`)
	reDNSAns  = regexp.MustCompile(`^(\w+) (\S+) → (.*)$`)
	reReferal = regexp.MustCompile(`^referral (\S+) → (.*)$`)
)

// Caption tells in plain words what an event means: "Lisa's mail program
// hands the message to otherisp's SMTP server on TCP port 25". It is ""
// for events not worth a sentence (hops after the first, bare ACKs).
func (c *Cast) Caption(e *sim.Event) string {
	switch e.Kind {
	case sim.KindNote:
		if e.Host != "" {
			return e.Host + ": " + e.Text
		}
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
			return fmt.Sprintf("%s opens a TCP connection to %s on port %d (SYN).", capital(from), to, port)
		case e.Flags&sim.SYN != 0:
			return fmt.Sprintf("%s accepts the connection (SYN-ACK).", capital(from))
		case e.Flags&sim.FIN != 0:
			return fmt.Sprintf("%s closes its side of the connection (FIN).", capital(from))
		case e.Flags&sim.RST != 0:
			return fmt.Sprintf("%s resets the connection (RST).", capital(from))
		}
		return ""
	}
	s := strings.TrimSpace(e.Summary)
	var out string
	switch port {
	case 25, 587, 24:
		out = c.smtpCaption(e, s, from, to, port, client)
	case 110:
		out = pop3Caption(s, from, to, client)
	case 53:
		out = dnsCaption(s, from, c.dnsTarget(e, to), client)
	}
	if out == "" {
		out = fmt.Sprintf("%s sends %s: %s", capital(from), to, s)
	}
	return out
}

func (c *Cast) smtpCaption(e *sim.Event, s, from, to string, port uint16, client bool) string {
	verb := strings.ToUpper(firstWord(s))
	arg := ""
	if m := reAngle.FindStringSubmatch(s); m != nil {
		arg = m[1]
	}
	lmtp := port == 24
	if !client {
		return replyCaption(s, from)
	}
	src := c.hosts[e.SrcHost]
	switch verb {
	case "EHLO", "HELO", "LHLO":
		return fmt.Sprintf("%s greets %s (%s).", capital(from), to, verb)
	case "MAIL":
		switch {
		case lmtp:
			return fmt.Sprintf("%s hands the message to %s over LMTP on TCP port 24 (from %s).", capital(from), to, arg)
		case src.Kind == scenario.KindPC:
			return fmt.Sprintf("%s hands the message to %s on TCP port %d (from %s).", capital(from), to, port, arg)
		default:
			return fmt.Sprintf("%s relays the message to %s on TCP port %d (from %s).", capital(from), to, port, arg)
		}
	case "RCPT":
		return fmt.Sprintf("%s names the recipient: %s.", capital(from), arg)
	case "DATA":
		return fmt.Sprintf("%s is ready to send the message itself (DATA).", capital(from))
	case "QUIT":
		return fmt.Sprintf("%s says goodbye (QUIT).", capital(from))
	case "AUTH":
		return fmt.Sprintf("%s logs in with its password (AUTH).", capital(from))
	case "RSET", "NOOP", "STARTTLS", "VRFY":
		return fmt.Sprintf("%s sends %s.", capital(from), verb)
	}
	return fmt.Sprintf("%s sends the message text: headers, a blank line, then the body.", capital(from))
}

// smtpReplies explains SMTP reply codes (RFC 5321 section 4.2).
var smtpReplies = map[string]string{
	"220": "is ready", "221": "closes the connection", "235": "accepts the login",
	"250": "agrees", "251": "will forward", "354": "says: go ahead, end with a dot on a line alone",
	"421": "is not available right now", "450": "cannot take it now, try later",
	"451": "had a local error, try later", "452": "is out of room, try later",
	"535": "rejects the login", "550": "refuses: no such mailbox or not allowed",
	"551": "refuses: user not local", "552": "refuses: too big", "553": "refuses the address",
	"554": "refuses the transaction",
}

func replyCaption(s, from string) string {
	code := firstWord(s)
	if len(code) >= 3 {
		code = code[:3]
	}
	if what, ok := smtpReplies[code]; ok {
		return fmt.Sprintf("%s %s (%s).", capital(from), what, s)
	}
	return fmt.Sprintf("%s answers: %s", capital(from), s)
}

func pop3Caption(s, from, to string, client bool) string {
	if !client {
		switch {
		case strings.HasPrefix(s, "-ERR"):
			return fmt.Sprintf("%s refuses: %s", capital(from), strings.TrimSpace(strings.TrimPrefix(s, "-ERR")))
		case strings.HasPrefix(s, "+OK"):
			return fmt.Sprintf("%s answers: %s", capital(from), s)
		}
		return fmt.Sprintf("%s sends the message: headers, a blank line, then the body.", capital(from))
	}
	n := ""
	if m := reNumArg.FindStringSubmatch(s); m != nil {
		n = " " + m[1]
	}
	switch strings.ToUpper(firstWord(s)) {
	case "USER":
		return fmt.Sprintf("%s logs in to %s on TCP port 110 (%s).", capital(from), to, s)
	case "PASS":
		return fmt.Sprintf("%s sends the password.", capital(from))
	case "APOP", "AUTH":
		return fmt.Sprintf("%s logs in to %s on TCP port 110.", capital(from), to)
	case "STAT":
		return fmt.Sprintf("%s asks how many messages are waiting.", capital(from))
	case "LIST":
		return fmt.Sprintf("%s asks for the list of messages and their sizes.", capital(from))
	case "UIDL":
		return fmt.Sprintf("%s asks for the messages' unique ids, to skip ones it already has.", capital(from))
	case "RETR":
		return fmt.Sprintf("%s downloads message%s over port 110.", capital(from), n)
	case "DELE":
		return fmt.Sprintf("%s deletes message%s from the server.", capital(from), n)
	case "TOP":
		return fmt.Sprintf("%s asks for the headers of message%s.", capital(from), n)
	case "QUIT":
		return fmt.Sprintf("%s says goodbye; the server now really removes the deleted messages.", capital(from))
	case "CAPA":
		return fmt.Sprintf("%s asks what the server can do (CAPA).", capital(from))
	}
	return ""
}

func dnsCaption(s, from, to string, client bool) string {
	if client {
		m := reDNSQ.FindStringSubmatch(s)
		if m == nil {
			return ""
		}
		q := ""
		switch m[1] {
		case "MX":
			q = "which server takes mail for " + m[2] + "?"
		case "A":
			q = "what is the address of " + m[2] + "?"
		case "NS":
			q = "which servers know the names in " + m[2] + "?"
		default:
			q = m[1] + " record of " + m[2] + "?"
		}
		return fmt.Sprintf("%s asks %s: %s", capital(from), to, q)
	}
	if m := reReferal.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf("%s does not know, but refers the question to %s, which knows %s.", capital(from), m[2], m[1])
	}
	if m := reDNSAns.FindStringSubmatch(s); m != nil {
		switch m[1] {
		case "MX":
			return fmt.Sprintf("%s answers: mail for %s goes to %s.", capital(from), m[2], mxHosts(m[3]))
		case "A":
			return fmt.Sprintf("%s answers: %s is at %s.", capital(from), m[2], m[3])
		}
		return fmt.Sprintf("%s answers: %s", capital(from), s)
	}
	if strings.HasPrefix(s, "NXDOMAIN") {
		return fmt.Sprintf("%s answers: %s does not exist.", capital(from), strings.TrimSpace(strings.TrimPrefix(s, "NXDOMAIN")))
	}
	return fmt.Sprintf("%s answers: %s", capital(from), s)
}

// dnsTarget names whom a query asks: "DNS" for the asker's own ISP's
// resolver, else the server by its role.
func (c *Cast) dnsTarget(e *sim.Event, to string) string {
	if src, dst := c.hosts[e.SrcHost], c.hosts[e.DstHost]; src.ISP != "" && src.ISP == dst.ISP {
		return "DNS"
	}
	return to
}

// mxHosts turns "10 smtp.a.com, 20 smtp2.a.com" into "smtp.a.com (then smtp2.a.com)".
func mxHosts(s string) string {
	type mx struct {
		pref string
		host string
	}
	var xs []mx
	for _, p := range strings.Split(s, ", ") {
		f := strings.Fields(p)
		if len(f) == 2 {
			xs = append(xs, mx{f[0], f[1]})
		} else {
			xs = append(xs, mx{"", p})
		}
	}
	sort.SliceStable(xs, func(i, j int) bool {
		return len(xs[i].pref) < len(xs[j].pref) || len(xs[i].pref) == len(xs[j].pref) && xs[i].pref < xs[j].pref
	})
	out := xs[0].host
	for _, x := range xs[1:] {
		out += " (then " + x.host + ")"
	}
	return out
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " :"); i >= 0 {
		return s[:i]
	}
	return s
}

// capital starts a sentence: "the root…" becomes "The root…"; names
// (ISPs, hosts) keep their spelling.
func capital(s string) string {
	if strings.HasPrefix(s, "the ") {
		return "The " + s[4:]
	}
	return s
}

func hasService(h scenario.Host, s scenario.Service) bool {
	for _, x := range h.Services {
		if x == s {
			return true
		}
	}
	return false
}

// Caption is the sentence for the moment shown: the latest visible event
// at or before T that has one.
func (m *Model) Caption() (string, *sim.Event) {
	hi := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart > m.T })
	for i := hi - 1; i >= 0 && i >= hi-4000; i-- {
		e := m.Log[i]
		if !m.visible(e) && e.Kind == sim.KindHop && !(e.Flags&sim.SYN != 0 && e.Flags&sim.ACK == 0) {
			continue
		}
		if s := m.Cast.Caption(e); s != "" {
			return s, e
		}
	}
	return "", nil
}
