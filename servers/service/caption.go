package service

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"mailsim/servers/dns"
)

// Talk is what a caption knows about one segment.
type Talk struct {
	Summary string // the segment's trace summary, trimmed
	From    string // who sends it, by role: "Lisa's mail program"
	To      string // who receives it: "otherisp's SMTP server"
	Client  bool   // sent by the client side of the conversation
	FromPC  bool   // the client is a user's computer
	Port    uint16 // the service's port in this conversation
	Kind    Kind
	// Context the window adds when it knows it ("" / nil otherwise).
	Subject string   // the subject of the message this segment carries
	Before  []string // the client's earlier commands in this conversation
}

var (
	reAngle   = regexp.MustCompile(`<([^>]*)>`)
	reNumArg  = regexp.MustCompile(`^\S+\s+(\d+)`)
	reDNSQ    = regexp.MustCompile(`^(\w+)\? (\S+)`)
	reDNSAns  = regexp.MustCompile(`^(\w+) (\S+) → (.*)$`)
	reReferal = regexp.MustCompile(`^referral (\S+) → (.*)$`)
	reOctets  = regexp.MustCompile(`^\+OK (\d+) octets`)
)

func dnsSummary(transport string, p []byte) string {
	if transport == "tcp" {
		if len(p) < 2 {
			return ""
		}
		p = p[2:] // RFC 1035 §4.2.2 length prefix
	}
	if len(p) == 0 {
		return ""
	}
	return dns.Summarize(p)
}

func smtpCaption(t Talk) string {
	s, from, to := t.Summary, Capital(t.From), t.To
	if !t.Client {
		return replyCaption(s, from)
	}
	verb := strings.ToUpper(firstWord(s))
	arg := ""
	if m := reAngle.FindStringSubmatch(s); m != nil {
		arg = m[1]
	}
	switch verb {
	case "EHLO", "HELO", "LHLO":
		return fmt.Sprintf("%s greets %s (%s).", from, to, verb)
	case "MAIL":
		switch {
		case t.Kind == LMTP:
			return fmt.Sprintf("%s hands the message to %s over LMTP on TCP port %d (from %s).", from, to, t.Port, arg)
		case t.Kind == Submission:
			return fmt.Sprintf("%s hands the message to %s on the submission port, TCP %d (from %s).", from, to, t.Port, arg)
		case t.FromPC:
			return fmt.Sprintf("%s hands the message to %s on TCP port %d (from %s).", from, to, t.Port, arg)
		default:
			return fmt.Sprintf("%s relays the message to %s on TCP port %d (from %s).", from, to, t.Port, arg)
		}
	case "RCPT":
		return fmt.Sprintf("%s names the recipient: %s.", from, arg)
	case "DATA":
		return fmt.Sprintf("%s is ready to send the message itself (DATA).", from)
	case "QUIT":
		return fmt.Sprintf("%s says goodbye (QUIT).", from)
	case "AUTH":
		return fmt.Sprintf("%s logs in with its password (AUTH).", from)
	case "RSET", "NOOP", "STARTTLS", "VRFY":
		return fmt.Sprintf("%s sends %s.", from, verb)
	}
	if t.Subject != "" {
		return fmt.Sprintf("%s sends the message %q itself: headers, a blank line, then the body.", from, t.Subject)
	}
	return fmt.Sprintf("%s sends the message text: headers, a blank line, then the body.", from)
}

// smtpReplies explains SMTP reply codes (RFC 5321 section 4.2).
var smtpReplies = map[string]string{
	"220": "is ready", "221": "closes the connection", "235": "accepts the login",
	"250": "agrees", "251": "will forward", "354": "says: go ahead, end with a dot on a line alone",
	"421": "is not available right now", "450": "cannot take it now, try later",
	"451": "had a local error, try later", "452": "is out of room, try later",
	"530": "wants a login first", "535": "rejects the login", "550": "refuses: no such mailbox or not allowed",
	"551": "refuses: user not local", "552": "refuses: too big", "553": "refuses the address",
	"554": "refuses the transaction",
}

// replyReasons explain the replies whose code alone is not enough.
var replyReasons = []struct{ text, why string }{
	{"Relay access denied", "refuses to pass the mail on: it takes mail for other domains only from its own users (relay denied)"},
	{"Sender address rejected: Domain not found", "refuses the sender: the sender's domain does not exist in DNS, so no reply could ever reach it"},
	{"Sender address rejected: Domain lookup failed", "cannot check the sender's domain in DNS right now: try again later"},
	{"User unknown", "refuses: there is no such mailbox here"},
}

func replyCaption(s, from string) string {
	for _, r := range replyReasons {
		if strings.Contains(s, r.text) {
			return fmt.Sprintf("%s %s (%s).", from, r.why, s)
		}
	}
	code := firstWord(s)
	if len(code) >= 3 {
		code = code[:3]
	}
	if what, ok := smtpReplies[code]; ok {
		return fmt.Sprintf("%s %s (%s).", from, what, s)
	}
	return fmt.Sprintf("%s answers: %s", from, s)
}

func pop3Caption(t Talk) string {
	s, from, to := t.Summary, Capital(t.From), t.To
	if !t.Client {
		switch {
		case strings.HasPrefix(s, "-ERR"):
			return fmt.Sprintf("%s refuses: %s", from, strings.TrimSpace(strings.TrimPrefix(s, "-ERR")))
		case reOctets.MatchString(s):
			what := "the message"
			if t.Subject != "" {
				what = fmt.Sprintf("%q", t.Subject)
			}
			return fmt.Sprintf("%s sends %s (%s bytes): headers, a blank line, then the body.", from, what, reOctets.FindStringSubmatch(s)[1])
		case strings.HasPrefix(s, "+OK"):
			return fmt.Sprintf("%s answers: %s", from, s)
		}
		return fmt.Sprintf("%s sends the message: headers, a blank line, then the body.", from)
	}
	n := ""
	if m := reNumArg.FindStringSubmatch(s); m != nil {
		n = " " + m[1]
	}
	switch strings.ToUpper(firstWord(s)) {
	case "USER":
		return fmt.Sprintf("%s logs in to %s on TCP port %d (%s).", from, to, t.Port, s)
	case "PASS":
		return fmt.Sprintf("%s sends the password.", from)
	case "APOP", "AUTH":
		return fmt.Sprintf("%s logs in to %s on TCP port %d.", from, to, t.Port)
	case "STAT":
		return fmt.Sprintf("%s asks how many messages are waiting.", from)
	case "LIST":
		return fmt.Sprintf("%s asks for the list of messages and their sizes.", from)
	case "UIDL":
		return fmt.Sprintf("%s asks for the messages' unique ids, to skip ones it already has.", from)
	case "RETR":
		return fmt.Sprintf("%s downloads message%s over port %d.", from, n, t.Port)
	case "DELE":
		return fmt.Sprintf("%s deletes message%s from the server.", from, n)
	case "TOP":
		return fmt.Sprintf("%s asks for the headers of message%s.", from, n)
	case "QUIT":
		dele := 0
		for _, c := range t.Before {
			if strings.EqualFold(firstWord(c), "DELE") {
				dele++
			}
		}
		switch {
		case t.Before == nil:
			return fmt.Sprintf("%s says goodbye (QUIT): only now does the server remove any messages marked with DELE.", from)
		case dele == 0:
			return fmt.Sprintf("%s says goodbye (QUIT). It deleted nothing, so its mail stays on the server.", from)
		}
		return fmt.Sprintf("%s says goodbye (QUIT): only now does the server remove the %d message(s) it marked with DELE.", from, dele)
	case "CAPA":
		return fmt.Sprintf("%s asks what the server can do (CAPA).", from)
	}
	return ""
}

func dnsCaption(t Talk) string {
	s, from, to := t.Summary, Capital(t.From), t.To
	if t.Client {
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
		return fmt.Sprintf("%s asks %s: %s", from, to, q)
	}
	if m := reReferal.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf("%s does not know, but refers the question to %s, which knows %s.", from, m[2], m[1])
	}
	if m := reDNSAns.FindStringSubmatch(s); m != nil {
		switch m[1] {
		case "MX":
			return fmt.Sprintf("%s answers: mail for %s goes to %s.", from, m[2], mxHosts(m[3]))
		case "A":
			return fmt.Sprintf("%s answers: %s is at %s.", from, m[2], m[3])
		}
		return fmt.Sprintf("%s answers: %s", from, s)
	}
	if strings.HasPrefix(s, "NXDOMAIN") {
		return fmt.Sprintf("%s answers: %s does not exist.", from, strings.TrimSpace(strings.TrimPrefix(s, "NXDOMAIN")))
	}
	return fmt.Sprintf("%s answers: %s", from, s)
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

// Capital starts a sentence: "the root…" becomes "The root…"; names
// (ISPs, hosts) keep their spelling.
func Capital(s string) string {
	if strings.HasPrefix(s, "the ") {
		return "The " + s[4:]
	}
	return s
}
