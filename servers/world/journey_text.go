package world

import (
	"fmt"
	"slices"
	"strings"

	"mailsim/servers/env"
	"mailsim/servers/mua"
	"mailsim/servers/service"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// capitalize starts a sentence that begins with a subject ("the bounce of M1…").
func capitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// sentence says a step in plain words, as the seed's step list does:
// who hands what to whom, and the reply that decided it.
func (rt *Runtime) sentence(x *Journey, st *Step, s env.Step, bounce *Journey) string {
	subj := quoteSubject(x)
	reply := shortReply(st.Reply)
	withID := func(r string) string {
		if s.QueueID != "" && !strings.Contains(r, " "+s.QueueID) {
			return fmt.Sprintf("(%s, queue id %s)", r, s.QueueID)
		}
		return "(" + r + ")"
	}
	switch st.Kind {
	case "composed":
		if c := rt.clientOf(st.Host, x.From); strings.Contains(c, "Web Mail") {
			return fmt.Sprintf("%s writes %s to %s in %s", person(x.From), subj, strings.Join(x.To, ", "), rt.serverOf(st.Host, "Web Mail"))
		}
		return fmt.Sprintf("%s writes %s to %s; it waits in the outbox of %s's mail program",
			person(x.From), subj, strings.Join(x.To, ", "), person(x.From))
	case "submitted":
		how := ""
		if st.Proto == string(scenario.Submission) {
			how = " on the submission port, with a login"
		}
		return fmt.Sprintf("%s hands %s to %s%s %s", capitalize(rt.clientOf(st.From, x.From)), subj, rt.serverOf(st.To, "SMTP"), how, withID(reply))
	case "relayed":
		return fmt.Sprintf("%s relays %s to %s %s", rt.serverOf(st.From, "SMTP"), subj, rt.serverOf(st.To, "SMTP"), withID(reply))
	case string(env.StepHanded):
		return fmt.Sprintf("%s hands %s to %s over LMTP %s", rt.serverOf(st.From, "SMTP"), subj, rt.serverOf(st.To, "POP3"), withID(reply))
	case string(env.StepMX):
		return fmt.Sprintf("%s asks DNS which server takes mail for %s → %s", st.Host, s.Detail, st.Reply)
	case string(env.StepLookup):
		return lookupWords(rt.userOf(st.Host), s)
	case string(env.StepDeferred):
		return fmt.Sprintf("%s cannot deliver %s yet: %s; retry in %s", st.Host, subj, s.Detail, sim.HumanTime(s.Retry))
	case string(env.StepRetry):
		return fmt.Sprintf("%s tries %s again (%s)", st.Host, subj, s.Detail)
	case string(env.StepDownloaded):
		return fmt.Sprintf("%s's mail program downloads %s from %s (%s)", rt.userOf(st.From), subj, rt.serverOf(st.To, roleOf(st.Proto)), reply)
	case string(env.StepRead):
		return fmt.Sprintf("%s reads %s in %s in a browser at %s: it stays on the server (%s)", mua.DisplayName(st.Detail), subj, rt.serverOf(st.To, "Web Mail"), st.From, reply)
	case string(env.StepDeleted):
		if st.Proto == string(scenario.HTTP) {
			return fmt.Sprintf("%s deletes %s in %s: it leaves the server (%s)", mua.DisplayName(st.Detail), subj, rt.serverOf(st.To, "Web Mail"), reply)
		}
		return fmt.Sprintf("%s's mail program deletes %s from the server, as client mail does (%s)", rt.userOf(st.From), subj, reply)
	case string(env.StepLeft):
		if st.Proto == string(scenario.IMAP) {
			return fmt.Sprintf("%s's mail program leaves %s on the IMAP server, where every computer of %s's sees it (%s)", rt.userOf(st.From), subj, rt.userOf(st.From), reply)
		}
		return fmt.Sprintf("%s's mail program leaves %s on the server, as Web Mail would (%s)", rt.userOf(st.From), subj, reply)
	case string(env.StepRefused):
		if s.Detail == "DNS lookup" {
			return fmt.Sprintf("%s's mail program cannot find %s in DNS; %s stays in the outbox (%s)", person(x.From), hostOf(s.To), subj, reply)
		}
		if s.Reply == mua.ErrHungUp.Error() {
			return fmt.Sprintf("%s's mail program hangs up in the middle of sending %s to %s; the server keeps nothing, and it stays in the outbox (%s)", person(x.From), subj, st.To, reply)
		}
		return fmt.Sprintf("%s refuses %s from %s's mail program at %s (%s)", st.To, subj, person(x.From), s.Detail, reply)
	case string(env.StepDelayed):
		return fmt.Sprintf("%s has not delivered %s to %s for %s and sends delay warning %s to %s; it keeps trying for %s more (%s)",
			st.Host, subj, strings.Join(s.Rcpts, ", "), rt.age(x), bounce.ID, s.To, sim.HumanTime(s.Retry), s.Detail)
	case string(env.StepBounced):
		return fmt.Sprintf("%s gives up on %s for %s and sends bounce %s to %s (%s)",
			st.Host, subj, strings.Join(s.Rcpts, ", "), bounce.ID, s.To, s.Detail)
	}
	return st.Kind
}

// lookupWords tells a mail program's DNS lookup of its server.
func lookupWords(user string, s env.Step) string {
	return fmt.Sprintf("%s's mail program asks DNS for the address of %s → %s", user, s.Detail, s.Reply)
}

// quoteSubject is how the story names a message: its subject in quotes,
// and for a bounce which message it reports on.
func quoteSubject(x *Journey) string {
	if x.Parent != "" && x.Notice == "delay" {
		return fmt.Sprintf("the delay warning about %s", x.Parent)
	}
	if x.Parent != "" {
		return fmt.Sprintf("the bounce of %s", x.Parent)
	}
	if x.Subject == "" {
		return "a message without subject"
	}
	return fmt.Sprintf("%q", x.Subject)
}

// person is the display name of an address: "Lisa" for lisa@otherisp.com.
func person(addr string) string {
	if addr == "" {
		return "the mail system"
	}
	return mua.DisplayName(addr)
}

// userOf is the person whose mail program runs on a PC.
func (rt *Runtime) userOf(pc string) string {
	if p := rt.Scenario.PC(pc); p != nil && p.User != "" {
		return mua.DisplayName(p.User)
	}
	return pc
}

// roleOf is how a server of a service kind is called: "POP3", "IMAP".
func roleOf(kind string) string {
	if s, ok := service.Lookup(service.Kind(kind)); ok {
		return strings.TrimSuffix(s.Role, " server")
	}
	return strings.ToUpper(kind)
}

// clientOf names who sends a message from host: the sender's mail
// program on a PC, or the ISP's Web Mail.
func (rt *Runtime) clientOf(host, sender string) string {
	if h := rt.Scenario.Host(host); h != nil && h.ISP != "" && slices.Contains(h.Services, scenario.HTTP) {
		return fmt.Sprintf("%s's Web Mail (for %s)", mua.DisplayName(h.ISP), person(sender))
	}
	return person(sender) + "'s mail program"
}

// serverOf names a server by its ISP: "Comentum's SMTP server".
func (rt *Runtime) serverOf(host, kind string) string {
	if h := rt.Scenario.Host(host); h != nil && h.ISP != "" {
		return mua.DisplayName(h.ISP) + "'s " + kind + " server"
	}
	if host == "" {
		return "the " + kind + " server"
	}
	return host
}

// shortReply drops the enhanced status code of an SMTP reply (RFC 3463:
// class 2, 4 or 5, then subject and detail of one to three digits),
// which the story does not need: "250 2.0.0 Ok: queued as 0D5A4C2735" →
// "250 Ok: queued as 0D5A4C2735".
func shortReply(r string) string {
	digit := func(i int) bool { return i < len(r) && r[i] >= '0' && r[i] <= '9' }
	if len(r) < 6 || r[0] < '2' || r[0] > '5' || !digit(1) || !digit(2) || r[3] != ' ' ||
		(r[4] != '2' && r[4] != '4' && r[4] != '5') || r[5] != '.' {
		return r
	}
	i := 6
	for part := range 2 { // subject, then detail
		n := 0
		for n < 3 && digit(i+n) {
			n++
		}
		if n == 0 {
			return r
		}
		i += n
		if part == 0 {
			if i >= len(r) || r[i] != '.' {
				return r
			}
			i++
		}
	}
	if i >= len(r) || r[i] != ' ' {
		return r
	}
	return r[:4] + r[i+1:]
}

// checking tells the story of a Send/Recv press.
func (j *journeys) checking(pc string, acct mua.Account) {
	srv, kind := acct.POP3Server, scenario.POP3
	if acct.IMAPServer != "" {
		srv, kind = acct.IMAPServer, scenario.IMAP
	}
	j.action(pc, hostOf(srv), string(kind),
		fmt.Sprintf("%s presses Send/Recv: the mail program asks %s for new mail", j.rt.userOf(pc), j.rt.serverOf(hostOf(srv), roleOf(string(kind)))))
}

// age is how long ago a message was composed (or written, for a
// notice). j.mu must be held.
func (rt *Runtime) age(x *Journey) string {
	if len(x.at) == 0 {
		return "a while"
	}
	return sim.HumanTime(rt.World.Now() - rt.journeys.log.at(x.at[0]))
}
