package scenario

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var actionKinds = []string{"send", "check", "link_down", "link_up", "flap", "slow", "stop", "start", "dns_add", "dns_remove", "webmail"}

// kindKey finds the one key of m that names a kind, reporting none or
// several. extra lists the keys allowed next to it.
func (d *decoder) kindKey(n *yaml.Node, m map[string]*yaml.Node, what string, kinds []string) (string, bool) {
	var found []string
	for _, k := range kinds {
		if _, ok := m[k]; ok {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 1:
		return found[0], true
	case 0:
		d.errf(n, "one of: "+strings.Join(kinds, ", "), "%s needs a kind", what)
	default:
		d.errf(n, "write one per list item", "%s has several kinds: %s", what, strings.Join(found, ", "))
	}
	return "", false
}

// MaxRecipients is the most recipients one send: may have: what an SMTP
// server must take in one transaction (RFC 5321 §4.5.3.1.8).
const MaxRecipients = 100

// readTimeline resolves every action; it returns them sorted by time.
func (nw *world) readTimeline(items []*yaml.Node) []Action {
	d := nw.d
	var out []Action
	for _, n := range items {
		m, _ := d.fields(n, "a timeline action", append([]string{"at"}, actionKinds...)...)
		a := Action{Pos: d.pos(d.deref(n))}
		atNode, ok := m["at"]
		if !ok {
			d.errf(n, "e.g. - {at: 5s, check: bob-pc}", "timeline action needs at:")
		} else if v, ok := d.duration(atNode); ok {
			a.At = v
			nw.times = append(nw.times, timeRef{v, d.pos(atNode), "at"})
		}
		kind, ok := d.kindKey(n, m, "timeline action", actionKinds)
		if !ok {
			continue
		}
		a.Kind = ActionKind(kind)
		v := m[kind]
		if kind == "flap" { // a series of link_down and link_up
			out = append(out, nw.readFlap(&a, v)...)
			continue
		}
		var good bool
		switch a.Kind {
		case ActSend:
			good = nw.readSend(&a, v)
		case ActCheck:
			good = nw.readCheck(&a, v)
		case ActLinkDown, ActLinkUp:
			good = nw.readLinkAction(&a, v)
		case ActStop, ActStart:
			good = nw.readService(&a, v)
		case ActDNSAdd, ActDNSRemove:
			good = nw.readDNSAction(&a, v)
		case ActWebmail:
			good = nw.readWebmail(&a, v)
		case ActSlow:
			good = nw.readSlow(&a, v)
		}
		if good {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	nw.checkSlowOverlaps(out)
	return out
}

func (nw *world) readSend(a *Action, n *yaml.Node) bool {
	d := nw.d
	m, _ := d.fields(n, "send", "from", "to", "subject", "body", "host", "via", "disconnect") // unknown keys are reported there
	var ok bool
	mail := &Mail{}
	if v, has := m["from"]; has {
		mail.From, ok = d.email(v)
	} else {
		d.errf(n, "e.g. from: lisa@otherisp.com", "send needs from:")
		ok = false
	}
	if v, has := m["to"]; has {
		var good bool
		mail.To, good = d.stringList(v, d.email)
		ok = ok && good
		if len(mail.To) > MaxRecipients {
			// A server takes at most 100 in one transaction (RFC 5321
			// §4.5.3.1.8); more would not all be sent.
			d.errf(v, "split them over several send: actions", "send has %d recipients; at most %d", len(mail.To), MaxRecipients)
			ok = false
		}
	} else {
		d.errf(n, "e.g. to: bob@comentum.com", "send needs to:")
		ok = false
	}
	if v, has := m["subject"]; has {
		mail.Subject, _ = d.str(v)
	}
	if v, has := m["body"]; has {
		mail.Body, _ = d.str(v)
	}
	if v, has := m["disconnect"]; has {
		if s, good := d.scalar(v, DisconnectMidData); good && s != DisconnectMidData {
			d.errf(v, "the only one is "+DisconnectMidData, "unknown disconnect %q", s)
			ok = false
		} else {
			mail.Disconnect, ok = s, ok && good
		}
	}
	var pc *PC
	if v, has := m["host"]; has {
		name, _ := d.str(v)
		pc = nw.pcRef(name, d.pos(v))
	} else if mail.From != "" {
		pcs := nw.pcsOf[mail.From]
		switch len(pcs) {
		case 0:
			if nw.brokenUsers[mail.From] {
				return false // the host's own line has the error
			}
			d.errf(m["from"], "add a host with user: "+mail.From+", or say host:", "no host has the mail program of %s", mail.From)
		case 1:
			pc = &nw.s.PCs[pcs[0]]
		default:
			var hosts []string
			for _, i := range pcs[:min(len(pcs), 20)] { // the message is clipped anyway
				hosts = append(hosts, nw.s.PCs[i].Host)
			}
			d.errf(m["from"], "say which with host:", "several hosts send as %s: %s", mail.From, strings.Join(hosts, ", "))
		}
	}
	// via: is checked even when the sender is unknown, so both show up
	// in one run; a bad via: is reported once, not again as "no SMTP server".
	vn, hasVia := m["via"]
	if hasVia {
		if name, good := d.str(vn); good {
			mail.Via = nw.serverRef(name, SMTP, d.pos(vn))
		}
		if mail.Via == "" {
			ok = false
		}
	}
	if pc == nil {
		return false
	}
	a.Host = pc.Host
	if !hasVia {
		mail.Via = pc.SMTP
		if mail.Via == "" {
			d.errf(n, "say via: <smtp server host>", "host %s has no SMTP server to send through", pc.Host)
			return false
		}
	}
	a.Mail = mail
	return ok
}

// pcRef looks up a PC host by name.
func (nw *world) pcRef(name string, p Pos) *PC {
	h, ok := nw.host(name, p)
	if !ok {
		return nil
	}
	i, ok := nw.pcIdx[h.Name]
	if !ok {
		nw.d.errAt(p, "mail programs run on hosts listed under hosts:", "host %s is a %s, not a PC", name, h.Kind)
		return nil
	}
	return &nw.s.PCs[i]
}

// hostArg reads "name" or {host: name, <extra>: ..}.
func (nw *world) hostArg(n *yaml.Node, what string, extra ...string) (string, map[string]*yaml.Node, Pos, bool) {
	d := nw.d
	v := d.deref(n)
	if v != nil && v.Kind == yaml.MappingNode {
		m, _ := d.fields(v, what, append([]string{"host"}, extra...)...)
		hn, ok := m["host"]
		if !ok {
			d.errf(v, "", "%s needs host:", what)
			return "", m, d.pos(v), false
		}
		name, ok := d.str(hn)
		return name, m, d.pos(hn), ok
	}
	name, ok := d.scalar(v, "a host name")
	return name, nil, d.pos(v), ok
}

func (nw *world) readCheck(a *Action, n *yaml.Node) bool {
	name, _, p, ok := nw.hostArg(n, "check")
	if !ok {
		return false
	}
	pc := nw.pcRef(name, p)
	if pc == nil {
		return false
	}
	if pc.User == "" || pc.POP3 == "" {
		nw.d.errAt(p, "give the host user:", "host %s has no mail account to check", name)
		return false
	}
	a.Host = pc.Host
	return true
}

func (nw *world) readLinkAction(a *Action, n *yaml.Node) bool {
	d := nw.d
	v := d.deref(n)
	var an, bn *yaml.Node
	switch {
	case v != nil && v.Kind == yaml.SequenceNode && len(v.Content) == 2:
		an, bn = v.Content[0], v.Content[1]
	case v != nil && v.Kind == yaml.MappingNode:
		m, _ := d.fields(v, string(a.Kind), "a", "b")
		an, bn = m["a"], m["b"]
	}
	if an == nil || bn == nil {
		d.errf(n, "e.g. [comentum-router, internet]", "%s needs the two ends of a link", a.Kind)
		return false
	}
	an, bn = d.deref(an), d.deref(bn)
	if an == nil || bn == nil {
		return false
	}
	x, ok1 := d.str(an)
	y, ok2 := d.str(bn)
	if !ok1 || !ok2 {
		return false
	}
	_, ok1 = nw.host(x, d.pos(an))
	_, ok2 = nw.host(y, d.pos(bn))
	if !ok1 || !ok2 {
		return false
	}
	if _, ok := nw.links[pairKey(x, y)]; !ok {
		d.errf(an, "", "there is no link between %s and %s", x, y)
		return false
	}
	a.A, a.B = x, y
	return true
}

func (nw *world) readService(a *Action, n *yaml.Node) bool {
	d := nw.d
	name, m, p, ok := nw.hostArg(n, string(a.Kind), "service")
	if !ok {
		return false
	}
	h, ok := nw.host(name, p)
	if !ok {
		return false
	}
	if len(h.Services) == 0 {
		d.errAt(p, "", "host %s runs no services", name)
		return false
	}
	a.Host = h.Name
	a.Services = h.Services
	if sn, has := m["service"]; has {
		s, ok := d.str(sn)
		if !ok {
			return false
		}
		if !contains(h.Services, Service(s)) {
			var have []string
			for _, x := range h.Services {
				have = append(have, string(x))
			}
			d.errf(sn, didYouMean(s, have), "host %s does not run %s (it runs %s)", name, s, strings.Join(have, ", "))
			return false
		}
		a.Services = []Service{Service(s)}
	}
	return true
}

var recordTypes = []string{"A", "NS", "MX", "CNAME", "TXT", "PTR"}

// readDNSAction reads dns_add and dns_remove. Every field is checked even
// when an earlier one is wrong, so one run reports all the problems.
func (nw *world) readDNSAction(a *Action, n *yaml.Node) bool {
	d := nw.d
	m, ok := d.fields(n, string(a.Kind), "name", "type", "value", "pref", "ttl")
	r := &Record{TTL: DefaultTTL}
	nn, hasName := m["name"]
	tn, hasType := m["type"]
	if !hasName || !hasType {
		d.errf(n, "e.g. {name: comentum.com, type: MX}", "%s needs name: and type:", a.Kind)
		ok = false
	}
	if hasName {
		name, good := d.str(nn)
		r.Name = strings.ToLower(strings.TrimSuffix(name, "."))
		if isp, zone := nw.zoneFor(r.Name); isp != nil {
			a.Zone, a.Host = zone, isp.Server(DNS)
		} else if good {
			hint := "records live in the zone of an ISP's domain"
			if strings.HasSuffix(r.Name, ".in-addr.arpa") {
				hint = "reverse names live in the in-addr.arpa zone of a /24 that holds an ISP's hosts"
			}
			d.errf(nn, hint, "no zone holds %q", name)
			ok = false
		} else {
			ok = false
		}
	}
	typeOK := false
	if hasType {
		t, good := d.str(tn)
		r.Type = strings.ToUpper(t)
		typeOK = good && contains(recordTypes, r.Type)
		if good && !typeOK {
			d.errf(tn, didYouMean(r.Type, recordTypes), "unknown record type %q (types: %s)", t, strings.Join(recordTypes, ", "))
		}
		ok = ok && typeOK
	}
	if r.Type == "MX" {
		r.Pref = DefaultMXPref
	}
	if v, has := m["pref"]; has {
		p, good := d.integer(v, "an MX preference", 0, 65535)
		r.Pref, ok = uint16(p), ok && good
	}
	if v, has := m["ttl"]; has {
		var good bool
		r.TTL, good = d.duration(v)
		ok = ok && good
	}
	if vn, has := m["value"]; has {
		v, good := d.str(vn)
		r.Value = v
		if msg := checkValue(r.Type, r.Value); good && typeOK && msg != "" {
			d.errf(vn, "", "%s", msg)
			good = false
		}
		ok = ok && good
	} else if a.Kind == ActDNSAdd {
		d.errf(n, "e.g. value: 198.51.100.25", "dns_add needs value:")
		ok = false
	}
	a.Record = r
	return ok
}

// checkValue validates a record value for its type; "" means fine.
func checkValue(typ, v string) string {
	switch typ {
	case "A":
		if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
			return fmt.Sprintf("expected an IPv4 address for an A record, got %q", v)
		}
	case "NS", "MX", "CNAME", "PTR":
		if !validName(strings.TrimSuffix(v, ".")) {
			return fmt.Sprintf("expected a host name for a %s record, got %q", typ, v)
		}
	}
	return ""
}

// timeRef remembers a time written in the file, for the end-of-run check.
type timeRef struct {
	t   time.Duration
	pos Pos
	key string
}

// fmtDur prints a duration without trailing zero units: 30m, 1h, 1m30s, 1d.
func fmtDur(t time.Duration) string { return FormatDuration(t) }
