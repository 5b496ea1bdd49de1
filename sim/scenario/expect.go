package scenario

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var expectKinds = []string{"delivered", "downloaded", "bounced", "smtp_reply", "pop3_reply", "path", "mailbox", "http_reply", "imap_reply", "seen"}

var statusRE = regexp.MustCompile(`^[245](\.\d{1,3}){0,2}$`)

// readExpect resolves every expectation, in file order.
func (nw *world) readExpect(items []*yaml.Node) []Expectation {
	d := nw.d
	var out []Expectation
	for _, n := range items {
		m, _ := d.fields(n, "an expectation", append([]string{"by", "after", "at"}, expectKinds...)...)
		e := Expectation{Pos: d.pos(d.deref(n))}
		kind, ok := d.kindKey(n, m, "expectation", expectKinds)
		if !ok {
			continue
		}
		e.Kind = ExpectKind(kind)
		for _, key := range []string{"by", "after", "at"} {
			v, has := m[key]
			if !has {
				continue
			}
			if inspected := e.Kind == ExpMailbox || e.Kind == ExpSeen; (key == "at") != inspected {
				hint := "use by: (and after:) for events"
				if inspected {
					hint = "a mailbox is inspected at: one time"
				}
				d.errf(keyNode(d.deref(n), key), hint, "%s: does not apply to %s", key, kind)
				continue
			}
			t, good := d.duration(v)
			if !good {
				continue
			}
			nw.times = append(nw.times, timeRef{t, d.pos(v), key})
			switch key {
			case "by":
				e.By = t
			case "after":
				e.After = t
			case "at":
				e.At = t
			}
		}
		if m["by"] != nil && m["after"] != nil && e.After > e.By {
			d.errf(m["after"], "", "after %s is later than by %s", fmtDur(e.After), fmtDur(e.By))
		}
		if nw.readExpectation(&e, m[kind]) {
			out = append(out, e)
		}
	}
	return out
}

// readExpectation reads the body of one expectation kind.
func (nw *world) readExpectation(e *Expectation, n *yaml.Node) bool {
	d := nw.d
	v := d.deref(n)
	if v == nil {
		return false
	}
	// downloaded: bob-pc is short for downloaded: {host: bob-pc}.
	if e.Kind == ExpDownloaded && v.Kind == yaml.ScalarNode && !isNull(v) {
		if pc := nw.pcRef(v.Value, d.pos(v)); pc != nil {
			e.Host = pc.Host
			return true
		}
		return false
	}
	keys := map[ExpectKind][]string{
		ExpDelivered:  {"to", "subject", "from"},
		ExpDownloaded: {"host", "subject", "from"},
		ExpBounced:    {"sender", "recipient", "status", "subject"},
		ExpSMTPReply:  {"code", "enhanced", "text", "server", "client", "line"},
		ExpPOP3Reply:  {"reply", "text", "server", "client"},
		ExpPath:       {"hosts", "subject", "from"},
		ExpMailbox:    {"of", "count", "subject"},
		ExpHTTPReply:  {"status", "path", "text", "server", "client"},
		ExpIMAPReply:  {"status", "text", "server", "client"},
		ExpSeen:       {"of", "subject", "seen"},
	}[e.Kind]
	m, ok := d.fields(v, string(e.Kind), keys...)
	need := func(key, example string) *yaml.Node {
		if x, has := m[key]; has {
			return x
		}
		d.errf(v, "e.g. "+key+": "+example, "%s needs %s:", e.Kind, key)
		ok = false
		return nil
	}
	if x, has := m["subject"]; has {
		e.Subject, _ = d.str(x)
	}
	if x, has := m["from"]; has {
		e.From, _ = d.email(x)
	}
	switch e.Kind {
	case ExpDelivered:
		if x := need("to", "bob@comentum.com"); x != nil {
			e.To, e.ISP, e.Login = nw.mailboxRef(x)
			ok = ok && e.Login != ""
		}
	case ExpMailbox:
		if x := need("of", "bob@comentum.com"); x != nil {
			e.To, e.ISP, e.Login = nw.mailboxRef(x)
			ok = ok && e.Login != ""
		}
		if x := need("count", "0"); x != nil {
			c, good := d.integer(x, "a message count", 0, 1<<31-1)
			e.Count, ok = int(c), ok && good
		}
	case ExpDownloaded:
		if x := need("host", "bob-pc"); x != nil {
			name, _ := d.str(x)
			pc := nw.pcRef(name, d.pos(x))
			if pc == nil {
				return false
			}
			e.Host = pc.Host
		}
	case ExpBounced:
		if x := need("sender", "lisa@otherisp.com"); x != nil {
			e.Sender, e.ISP, e.Login = nw.mailboxRef(x)
			ok = ok && e.Login != ""
		}
		if x, has := m["recipient"]; has {
			e.Recipient, _ = d.email(x)
		}
		if x, has := m["status"]; has {
			e.Status, _ = d.str(x)
			if e.Status != "" && !statusRE.MatchString(e.Status) {
				d.errf(x, "RFC 3463: class.subject.detail, e.g. 5.1.1", "expected a status code like 5.1.1, got %q", e.Status)
				ok = false
			}
		}
	case ExpSMTPReply:
		if x := need("code", "554"); x != nil {
			c, good := d.integer(x, "an SMTP reply code", 200, 599)
			e.Code, ok = int(c), ok && good
		}
		if x, has := m["enhanced"]; has {
			e.Enhanced, _ = d.str(x)
			if !statusRE.MatchString(e.Enhanced) || strings.Count(e.Enhanced, ".") != 2 {
				d.errf(x, "RFC 3463", "expected an enhanced status code like 5.7.1, got %q", e.Enhanced)
				ok = false
			}
		}
		if x, has := m["line"]; has {
			e.Line = d.replyLine(x)
			ok = ok && e.Line != -2
		}
		ok = nw.replyHosts(e, m, SMTP) && ok
	case ExpPOP3Reply:
		if x := need("reply", "-ERR"); x != nil {
			e.Reply, _ = d.str(x)
			if e.Reply != "+OK" && e.Reply != "-ERR" {
				d.errf(x, "", "expected +OK or -ERR, got %q", e.Reply)
				ok = false
			}
		}
		ok = nw.replyHosts(e, m, POP3) && ok
	case ExpHTTPReply:
		if x := need("status", "200"); x != nil {
			c, good := d.integer(x, "an HTTP status code", 100, 599)
			e.Code, ok = int(c), ok && good
		}
		if x, has := m["path"]; has {
			e.Path, _ = d.str(x)
		}
		ok = nw.replyHosts(e, m, HTTP) && ok
	case ExpIMAPReply:
		if x := need("status", "NO"); x != nil {
			e.Reply, _ = d.str(x)
			if !contains([]string{"OK", "NO", "BAD", "BYE"}, e.Reply) {
				d.errf(x, "", "expected OK, NO, BAD or BYE, got %q", e.Reply)
				ok = false
			}
		}
		ok = nw.replyHosts(e, m, IMAP) && ok
	case ExpSeen:
		if x := need("of", "bob@comentum.com"); x != nil {
			e.To, e.ISP, e.Login = nw.mailboxRef(x)
			ok = ok && e.Login != ""
		}
		e.Seen = true
		if x, has := m["seen"]; has {
			e.Seen, _ = d.boolean(x)
		}
	case ExpPath:
		if x := need("hosts", "[lisa-pc, smtp.otherisp.com, smtp.comentum.com]"); x != nil {
			names, good := d.stringList(x, d.str)
			ok = ok && good
			if len(names) < 2 {
				d.errf(x, "", "a path needs at least two hosts")
				ok = false
			}
			items := d.deref(x).Content
			for i, name := range names {
				p := d.pos(x)
				if i < len(items) {
					p = d.pos(items[i])
				}
				if _, good := nw.host(name, p); !good {
					ok = false
				}
			}
			e.Hosts = names
		}
	}
	return ok
}

// replyHosts reads the server and client filters of a reply expectation.
func (nw *world) replyHosts(e *Expectation, m map[string]*yaml.Node, svc Service) bool {
	d := nw.d
	ok := true
	if x, has := m["text"]; has {
		e.Text, _ = d.str(x)
	}
	if x, has := m["server"]; has {
		name, _ := d.str(x)
		e.Server = nw.serverRef(name, svc, d.pos(x))
		ok = e.Server != ""
	}
	if x, has := m["client"]; has {
		name, _ := d.str(x)
		if _, good := nw.host(name, d.pos(x)); good {
			e.Client = name
		} else {
			ok = false
		}
	}
	return ok
}

// mailboxRef resolves an address to its mailbox, reporting unknown ones.
func (nw *world) mailboxRef(n *yaml.Node) (addr, isp, login string) {
	addr, ok := nw.d.email(n)
	if !ok {
		return "", "", ""
	}
	var pc PC
	if i := nw.mailbox(addr, nw.d.pos(n), &pc); i == nil {
		return addr, "", ""
	}
	return addr, pc.MailISP, pc.Login
}
