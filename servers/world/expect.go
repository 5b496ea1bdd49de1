package world

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"mailsim/servers/store"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// Result is the outcome of one expectation.
type Result struct {
	Expect *scenario.Expectation
	OK     bool
	Detail string // what was seen, or why it failed
}

// String is "file:line:col: <expectation>: ok|FAILED (detail)".
func (r Result) String() string {
	verdict := "ok"
	if !r.OK {
		verdict = "FAILED"
	}
	return fmt.Sprintf("%s: %s: %s (%s)", r.Expect.Pos, Describe(r.Expect), verdict, r.Detail)
}

func (rt *Runtime) hostByAddrString(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	return rt.hostByAddr(a)
}

// scheduleCount counts, at the expectation's time (what a world timer
// named what checks), the messages of a mailbox with the expected
// subject that keep also accepts.
func (rt *Runtime) scheduleCount(i int, e *scenario.Expectation, what string, keep func(store.Message) bool) {
	at := e.At
	if at == 0 {
		at = rt.Until
	}
	st := rt.Store(e.ISP)
	rt.World.At(at, what+" "+e.To, func() {
		n := 0
		for _, m := range st.Messages(e.Login) {
			if subj, _ := headerInfo(m.Data); matchSubj(e.Subject, subj) && keep(m) {
				n++
			}
		}
		rt.ev.mu.Lock()
		rt.ev.counts[i] = n
		rt.ev.mu.Unlock()
	})
}

// seenWords says the \Seen flag an expectation wants.
func seenWords(e *scenario.Expectation) string {
	if e.Seen {
		return "flagged \\Seen"
	}
	return "not flagged \\Seen"
}

// Describe says in words what an expectation asks.
func Describe(e *scenario.Expectation) string {
	var b strings.Builder
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	switch e.Kind {
	case scenario.ExpDelivered:
		fmt.Fprintf(&b, "delivered to %s", e.To)
	case scenario.ExpDownloaded:
		fmt.Fprintf(&b, "downloaded by %s", e.Host)
	case scenario.ExpBounced:
		fmt.Fprintf(&b, "bounced to %s", e.Sender)
		if e.Recipient != "" {
			fmt.Fprintf(&b, " for %s", e.Recipient)
		}
		if e.Status != "" {
			fmt.Fprintf(&b, " with status %s", e.Status)
		}
	case scenario.ExpSeen:
		fmt.Fprintf(&b, "a message in %s %s", e.To, seenWords(e))
		if e.Subject != "" {
			b.WriteString(" subject " + q(e.Subject))
		}
		if e.At > 0 {
			fmt.Fprintf(&b, " at %s", sim.HumanTime(e.At))
		}
		return b.String()
	case scenario.ExpSMTPReply, scenario.ExpPOP3Reply, scenario.ExpIMAPReply, scenario.ExpHTTPReply:
		code := e.Reply
		if e.Kind == scenario.ExpSMTPReply || e.Kind == scenario.ExpHTTPReply {
			code = fmt.Sprint(e.Code)
			if e.Enhanced != "" {
				code += " " + e.Enhanced
			}
		}
		fmt.Fprintf(&b, "%s reply %s", strings.ToUpper(strings.TrimSuffix(string(e.Kind), "_reply")), code)
		if e.Path != "" {
			fmt.Fprintf(&b, " for %s", e.Path)
		}
		if e.Text != "" {
			fmt.Fprintf(&b, " %q", e.Text)
		}
		if e.Server != "" {
			fmt.Fprintf(&b, " from %s", e.Server)
		}
		if e.Client != "" {
			fmt.Fprintf(&b, " to %s", e.Client)
		}
	case scenario.ExpPath:
		fmt.Fprintf(&b, "path %s", strings.Join(e.Hosts, " → "))
	case scenario.ExpMailbox:
		fmt.Fprintf(&b, "mailbox %s holds %d", e.To, e.Count)
		if e.At > 0 {
			fmt.Fprintf(&b, " at %s", sim.HumanTime(e.At))
		}
		return b.String()
	}
	if e.Subject != "" {
		b.WriteString(" subject " + q(e.Subject))
	}
	if e.From != "" {
		b.WriteString(" from " + e.From)
	}
	if e.After > 0 {
		fmt.Fprintf(&b, " after %s", sim.HumanTime(e.After))
	}
	if e.By > 0 {
		fmt.Fprintf(&b, " by %s", sim.HumanTime(e.By))
	}
	return b.String()
}

// Results checks every expectation against what happened so far. Call it
// after the run.
func (rt *Runtime) Results() []Result {
	ev := rt.ev
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var out []Result
	for i := range rt.Scenario.Expect {
		e := &rt.Scenario.Expect[i]
		ok, detail := rt.check(i, e)
		out = append(out, Result{Expect: e, OK: ok, Detail: detail})
	}
	return out
}

func (rt *Runtime) window(e *scenario.Expectation, t time.Duration) bool {
	by := e.By
	if by == 0 {
		by = rt.Until
	}
	return t >= e.After && t <= by
}

func matchAddr(want, got string) bool { return want == "" || strings.EqualFold(want, got) }
func matchSubj(want, got string) bool { return want == "" || want == got }

func (rt *Runtime) check(i int, e *scenario.Expectation) (bool, string) {
	ev := rt.ev
	switch e.Kind {
	case scenario.ExpDelivered:
		late := ""
		for _, d := range ev.deliveries {
			if d.isp == e.ISP && d.login == e.Login && matchSubj(e.Subject, d.subject) && matchAddr(e.From, d.from) {
				if rt.window(e, d.at) {
					return true, "at " + sim.HumanTime(d.at)
				}
				late = "but only at " + sim.HumanTime(d.at)
			}
		}
		return false, firstNonEmpty(late, fmt.Sprintf("no such message reached mailbox %s of %s", e.Login, e.ISP))
	case scenario.ExpDownloaded:
		p := rt.programs[e.Host]
		if p == nil {
			return false, e.Host + " has no mail program"
		}
		late := ""
		for _, d := range p.Inbox() {
			at := d.When.Sub(rt.World.Epoch())
			if matchSubj(e.Subject, d.Subject) && matchAddr(e.From, addrOnly(d.From)) {
				if rt.window(e, at) {
					return true, "at " + sim.HumanTime(at)
				}
				late = "but only at " + sim.HumanTime(at)
			}
		}
		return false, firstNonEmpty(late, fmt.Sprintf("%s downloaded %d message(s), none matching", e.Host, len(p.Inbox())))
	case scenario.ExpBounced:
		isp, login, _ := rt.Scenario.Mailbox(e.Sender)
		var seen []string
		for _, d := range ev.deliveries {
			if d.bounce == nil || d.isp != isp || d.login != login {
				continue
			}
			seen = append(seen, strings.Join(d.bounce.statuses, ","))
			if e.Recipient != "" && !containsFold(d.bounce.recipients, e.Recipient) {
				continue
			}
			if e.Status != "" && !hasPrefixAny(d.bounce.statuses, e.Status) {
				continue
			}
			if e.Subject != "" && !strings.Contains(string(d.data), e.Subject) {
				continue
			}
			if rt.window(e, d.at) {
				return true, "at " + sim.HumanTime(d.at) + " status " + strings.Join(d.bounce.statuses, ",")
			}
		}
		if len(seen) > 0 {
			return false, "bounces seen with status " + strings.Join(seen, "; ")
		}
		return false, "no bounce reached " + e.Sender
	case scenario.ExpSeen:
		return rt.checkSeen(i, e)
	case scenario.ExpSMTPReply, scenario.ExpPOP3Reply, scenario.ExpIMAPReply, scenario.ExpHTTPReply:
		proto := strings.TrimSuffix(string(e.Kind), "_reply")
		n := 0
		for _, r := range ev.replies {
			if r.proto != proto {
				continue
			}
			n++
			if (e.Code != 0 && r.code != e.Code) || (e.Enhanced != "" && r.enhanced != e.Enhanced) ||
				(e.Reply != "" && r.status != e.Reply) || (e.Text != "" && !strings.Contains(r.text, e.Text)) ||
				(e.Server != "" && r.server != e.Server) || (e.Client != "" && r.client != e.Client) ||
				(e.Path != "" && r.path != e.Path) {
				continue
			}
			// RFC 5321 §4.2.1: a multi-line reply's code is its last
			// line's; earlier lines match only when line: asks for them.
			if proto == "smtp" && ((e.Line == 0 && !r.last) || (e.Line > 0 && r.line != e.Line)) {
				continue
			}
			if rt.window(e, r.at) {
				return true, fmt.Sprintf("at %s: %s → %s", sim.HumanTime(r.at), r.server, r.client)
			}
		}
		return false, fmt.Sprintf("none of %d %s replies matched", n, strings.ToUpper(proto))
	case scenario.ExpPath:
		paths := rt.pathsOf(e)
		if len(paths) == 0 {
			return false, "no message matching it was delivered"
		}
		for _, path := range paths {
			if isSubsequence(e.Hosts, path) {
				return true, "took " + strings.Join(path, " → ")
			}
		}
		return false, "took " + strings.Join(paths[0], " → ")
	case scenario.ExpMailbox:
		n, ok := ev.counts[i]
		if !ok {
			return false, "the run ended before the mailbox was inspected"
		}
		return n == e.Count, fmt.Sprintf("held %d", n)
	}
	return false, "unknown expectation"
}

// pathsOf finds the matching messages, downloaded ones first, and
// returns the hosts each passed.
func (rt *Runtime) pathsOf(e *scenario.Expectation) [][]string {
	var paths [][]string
	for _, pc := range sortedKeys(rt.programs) {
		for _, d := range rt.programs[pc].Inbox() {
			if matchSubj(e.Subject, d.Subject) && matchAddr(e.From, addrOnly(d.From)) {
				paths = append(paths, append(rt.receivedPath(d.Data), pc))
			}
		}
	}
	for _, d := range rt.ev.deliveries {
		if matchSubj(e.Subject, d.subject) && matchAddr(e.From, d.from) {
			paths = append(paths, rt.receivedPath(d.data))
		}
	}
	return paths
}

func isSubsequence(want, got []string) bool {
	j := 0
	for _, g := range got {
		if j < len(want) && want[j] == g {
			j++
		}
	}
	return j == len(want)
}

func addrOnly(s string) string {
	if i, j := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
		return s[i+1 : j]
	}
	return strings.TrimSpace(s)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func hasPrefixAny(list []string, p string) bool {
	for _, x := range list {
		if x == p || strings.HasPrefix(x, p+".") {
			return true
		}
	}
	return false
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
