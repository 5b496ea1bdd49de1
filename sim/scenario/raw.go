package scenario

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"mailsim/servers/service"
)

// This file reads the YAML tree into raw, still unresolved values that
// keep their nodes for positions; resolve.go fills in the defaults.

// linkParams are optional latency and bandwidth settings.
type linkParams struct {
	lat           time.Duration
	bw            int64
	hasLat, hasBW bool
	faults        linkFaults // loss:, jitter: (faults.go)
}

// over returns p with unset fields taken from base.
func (p linkParams) over(base linkParams) linkParams {
	if !p.hasLat {
		p.lat, p.hasLat = base.lat, base.hasLat
	}
	if !p.hasBW {
		p.bw, p.hasBW = base.bw, base.hasBW
	}
	p.faults = p.faults.over(base.faults)
	return p
}

type rawDoc struct {
	root        *yaml.Node
	title, desc string
	seed        int64
	until       time.Duration
	untilNode   *yaml.Node
	epoch       time.Time
	defaults    map[string]linkParams
	routers     []rawRouter
	links       []rawLink
	rootAddr    netip.Addr
	rootNode    *yaml.Node
	isps        []*rawISP
	hosts       []*rawHost
	timeline    []*yaml.Node
	expect      []*yaml.Node
}

type rawRouter struct {
	name string
	addr netip.Addr
	k    *yaml.Node
}

type rawLink struct {
	a, b   string
	an, bn *yaml.Node
	lp     linkParams
	n      *yaml.Node
}

type rawDomain struct {
	name   string
	mx     bool
	mxList []rawMX // mx: [..]; nil for the default
	n      *yaml.Node
}

type rawUser struct {
	login, password string
	only            string // domain the user is restricted to, if any
	quota           int64  // bytes; 0: the ISP's
	quotaNode       *yaml.Node
	k               *yaml.Node
}

type rawServer struct {
	name     string
	services []Service
	addr     netip.Addr
	mail     rawMailServer
	k        *yaml.Node
}

type rawISP struct {
	name        string
	k           *yaml.Node
	domains     []rawDomain
	users       []rawUser
	servers     []rawServer
	hasServers  bool
	prefix      netip.Prefix
	prefixNode  *yaml.Node
	routerAddr  netip.Addr
	lan, access linkParams
	uplinkTo    string // "" means the default, "none" means no uplink
	uplinkNode  *yaml.Node
	uplink      linkParams
	quota       int64 // every user's mailbox quota, bytes; 0: none
	// misplaced: the "ISP" is one of an ISP's keys indented too little;
	// incomplete: the ISP before such a one, which lost that key.
	misplaced, incomplete bool
}

type rawHost struct {
	name              string
	k                 *yaml.Node
	user              string
	userNode          *yaml.Node
	password          string
	hasPassword       bool
	isp               string
	ispNode           *yaml.Node
	addr              netip.Addr
	addrNode          *yaml.Node
	leave             bool
	auth              Auth
	authNode          *yaml.Node
	submission        bool
	incoming          Service
	incomingNode      *yaml.Node
	browser           bool
	smtp, pop3        string
	smtpNode, pop3Nod *yaml.Node
	link              linkParams
}

// Limits on what one scenario may hold, far above any lesson (the scale
// benchmark's largest load has 1,000 ISPs and 10,000 PCs) but low enough
// that loading, and building the world, stay quick whatever the file
// says. FORMAT.md lists them.
var limits = map[string]int{
	"ISPs":           20_000,
	"hosts":          100_000, // under hosts:
	"servers":        100_000, // under servers: of every ISP
	"routers":        10_000,
	"domains":        100_000,
	"links":          200_000,
	"mail addresses": maxAddresses,
}

// over counts one more of what and reports, once, going past its limit
// at node k.
func (d *decoder) over(what string, k *yaml.Node) bool {
	if d.counts == nil {
		d.counts = map[string]int{}
	}
	d.counts[what]++
	switch n := d.counts[what]; {
	case n <= limits[what]:
		return false
	case n == limits[what]+1:
		d.errf(k, "split it into smaller scenarios", "too many %s: a scenario may have at most %d", what, limits[what])
	}
	return true
}

// The range of epoch: (see readDoc).
var (
	minEpoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxEpoch = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

var topKeys = []string{"title", "description", "seed", "until", "epoch", "defaults", "internet", "isps", "hosts", "timeline", "expect"}

// readDoc reads the top level of the document.
func (d *decoder) readDoc(root *yaml.Node) *rawDoc {
	doc := &rawDoc{root: root, seed: 1}
	m, _ := d.fields(root, "the scenario", topKeys...)
	if n, ok := m["title"]; ok {
		doc.title, _ = d.str(n)
	}
	if n, ok := m["description"]; ok {
		doc.desc, _ = d.str(n)
	}
	if n, ok := m["seed"]; ok {
		doc.seed, _ = d.integer(n, "a whole number seed", -1<<63, 1<<63-1)
	}
	if n, ok := m["until"]; ok {
		if v, ok := d.duration(n); ok {
			doc.until, doc.untilNode = v, n
		}
	}
	if n, ok := m["epoch"]; ok {
		if s, ok := d.scalar(n, "a time like 2000-01-01T09:00:00Z"); ok {
			t, err := time.Parse(time.RFC3339, s)
			switch {
			case err != nil:
				d.errf(n, "RFC 3339 format", "expected a time like 2000-01-01T09:00:00Z, got %q", s)
			case t.Before(minEpoch) || !t.Before(maxEpoch):
				// Servers' deadlines are differences between the epoch's
				// time and the real clock's; they must fit a Go duration (±292 years).
				d.errf(n, "e.g. 2000-01-03T09:00:00Z", "epoch %s is out of range: from %d to %d", s, minEpoch.Year(), maxEpoch.Year()-1)
			}
			doc.epoch = t.UTC()
		}
	}
	doc.defaults = map[string]linkParams{}
	if n, ok := m["defaults"]; ok {
		dm, _ := d.fields(n, "defaults", "lan", "access", "uplink", "backbone")
		for k, v := range dm {
			doc.defaults[k] = d.linkParams(v, "defaults."+k)
		}
	}
	if n, ok := m["internet"]; ok {
		d.readInternet(doc, n)
	}
	ispsOK := true
	if n, ok := m["isps"]; ok {
		var ps []kv
		ps, ispsOK = d.pairs(n, "isps")
		for _, p := range ps {
			if d.over("ISPs", p.k) {
				break
			}
			isp := d.readISP(p)
			if n := len(doc.isps); isp.misplaced && n > 0 {
				doc.isps[n-1].incomplete = true
			}
			doc.isps = append(doc.isps, isp)
		}
	}
	// isps: that is not a mapping was reported already.
	if len(doc.isps) == 0 && ispsOK {
		d.errf(keyNode(root, "isps"), "add isps: with at least one ISP, e.g. comentum: {domain: comentum.com, users: {bob: secret}}", "the scenario has no ISPs")
	}
	if n, ok := m["hosts"]; ok {
		ps, _ := d.pairs(n, "hosts")
		for _, p := range ps {
			if d.over("hosts", p.k) {
				break
			}
			doc.hosts = append(doc.hosts, d.readHost(p))
		}
	}
	doc.timeline = d.list(m["timeline"], "timeline")
	doc.expect = d.list(m["expect"], "expect")
	return doc
}

// list returns the items of a sequence (null is empty).
func (d *decoder) list(n *yaml.Node, what string) []*yaml.Node {
	n = d.deref(n)
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errf(n, "start each item with \"- \"", "%s must be a list, got %s", what, describe(n))
		return nil
	}
	return n.Content
}

func (d *decoder) linkParams(n *yaml.Node, what string) linkParams {
	var lp linkParams
	m, _ := d.fields(n, what, linkKeys...)
	if v, ok := m["latency"]; ok {
		lp.lat, lp.hasLat = d.duration(v)
	}
	if v, ok := m["bandwidth"]; ok {
		lp.bw, lp.hasBW = d.bandwidth(v)
	}
	lp.faults = d.readFaults(m)
	return lp
}

func (d *decoder) readInternet(doc *rawDoc, n *yaml.Node) {
	m, _ := d.fields(n, "internet", "routers", "links", "root_dns")
	if rn, ok := m["routers"]; ok {
		ps, _ := d.pairs(rn, "internet.routers")
		for _, p := range ps {
			if d.over("routers", p.k) {
				break
			}
			r := rawRouter{name: p.key, k: p.k}
			rm, _ := d.fields(p.v, "router "+p.key, "addr")
			if a, ok := rm["addr"]; ok {
				r.addr, _ = d.addr(a)
			}
			doc.routers = append(doc.routers, r)
		}
	}
	for _, ln := range d.list(m["links"], "internet.links") {
		if d.over("links", ln) {
			break
		}
		lm, _ := d.fields(ln, "a link", append([]string{"a", "b"}, linkKeys...)...)
		l := rawLink{n: d.deref(ln), an: lm["a"], bn: lm["b"]}
		if l.an == nil || l.bn == nil {
			d.errf(ln, "e.g. {a: comentum-router, b: internet, latency: 20ms}", "a link needs both a: and b:")
			continue
		}
		l.a, _ = d.str(l.an)
		l.b, _ = d.str(l.bn)
		if v, ok := lm["latency"]; ok {
			l.lp.lat, l.lp.hasLat = d.duration(v)
		}
		if v, ok := lm["bandwidth"]; ok {
			l.lp.bw, l.lp.hasBW = d.bandwidth(v)
		}
		l.lp.faults = d.readFaults(lm)
		doc.links = append(doc.links, l)
	}
	if rn, ok := m["root_dns"]; ok {
		rm, _ := d.fields(rn, "root_dns", "addr")
		if a, ok := rm["addr"]; ok {
			doc.rootAddr, _ = d.addr(a)
			doc.rootNode = a
		}
	}
}

var ispKeys = []string{"domain", "domains", "users", "servers", "prefix", "router_addr", "lan", "access", "uplink", "quota"}

func (d *decoder) readISP(p kv) *rawISP {
	isp := &rawISP{name: p.key, k: p.k}
	if _, slip := misplacedKey(p.key, ispKeys, "ISP"); slip {
		isp.misplaced = true
		return isp // its content belongs to the ISP above: not read as an ISP
	}
	m, _ := d.fields(p.v, "ISP "+p.key, ispKeys...)
	if n, ok := m["domain"]; ok {
		if _, both := m["domains"]; both {
			d.errf(keyNode(d.deref(p.v), "domains"), "list every domain under domains:", "ISP %s has both domain: and domains:", p.key)
		}
		if !d.over("domains", n) {
			isp.domains = append(isp.domains, d.readDomain(n))
		}
	}
	if n, ok := m["domains"]; ok {
		for _, dn := range d.list(n, "domains") {
			if d.over("domains", dn) {
				break
			}
			isp.domains = append(isp.domains, d.readDomain(dn))
		}
	}
	if n, ok := m["users"]; ok {
		ps, _ := d.pairs(n, "users of "+p.key)
		for _, up := range ps {
			isp.users = append(isp.users, d.readUser(up))
		}
	}
	if n, ok := m["servers"]; ok {
		isp.hasServers = true
		ps, _ := d.pairs(n, "servers of "+p.key)
		for _, sp := range ps {
			if d.over("servers", sp.k) {
				break
			}
			isp.servers = append(isp.servers, d.readServer(sp))
		}
	}
	if n, ok := m["prefix"]; ok {
		isp.prefix, _ = d.prefix(n)
		isp.prefixNode = n
	}
	if n, ok := m["router_addr"]; ok {
		isp.routerAddr, _ = d.addr(n)
	}
	if n, ok := m["lan"]; ok {
		isp.lan = d.linkParams(n, "lan")
	}
	if n, ok := m["access"]; ok {
		isp.access = d.linkParams(n, "access")
	}
	if n, ok := m["uplink"]; ok {
		d.readUplink(isp, n)
	}
	isp.quota, _ = d.quotaOf(m)
	return isp
}

// readUplink reads "uplink: router", "uplink: none" or
// "uplink: {to: router, latency: .., bandwidth: ..}".
func (d *decoder) readUplink(isp *rawISP, n *yaml.Node) {
	n = d.deref(n)
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		isp.uplinkTo, _ = d.str(n)
		isp.uplinkNode = n
		return
	}
	m, _ := d.fields(n, "uplink", append([]string{"to"}, linkKeys...)...)
	isp.uplink.faults = d.readFaults(m)
	if v, ok := m["to"]; ok {
		isp.uplinkTo, _ = d.str(v)
		isp.uplinkNode = v
	}
	if v, ok := m["latency"]; ok {
		isp.uplink.lat, isp.uplink.hasLat = d.duration(v)
	}
	if v, ok := m["bandwidth"]; ok {
		isp.uplink.bw, isp.uplink.hasBW = d.bandwidth(v)
	}
}

// readDomain reads "name" or {name: .., mx: none}.
func (d *decoder) readDomain(n *yaml.Node) rawDomain {
	dn := d.deref(n)
	rd := rawDomain{mx: true, n: dn}
	if dn != nil && dn.Kind == yaml.MappingNode {
		m, _ := d.fields(dn, "a domain", "name", "mx")
		if v, ok := m["name"]; ok {
			rd.name, _ = d.str(v)
			rd.n = v
		} else {
			d.errf(dn, "e.g. {name: smallco.com, mx: none}", "a domain needs name:")
		}
		if v, ok := m["mx"]; ok && d.deref(v) != nil && d.deref(v).Kind == yaml.SequenceNode {
			rd.mxList = d.readMXList(d.deref(v))
		} else if ok {
			if s, ok := d.scalar(v, "mx: none, mx: default or a list of SMTP hosts"); ok {
				switch s {
				case "none":
					rd.mx = false
				case "default":
				default:
					d.errf(v, "e.g. mx: [smtp.comentum.com, {host: smtp.otherisp.com, pref: 20}]", "expected mx: none, mx: default or a list of SMTP hosts, got %q", s)
				}
			}
		}
	} else {
		rd.name, _ = d.str(dn)
	}
	rd.name = strings.ToLower(rd.name)
	if rd.name != "" && !validDomain(rd.name) {
		d.errf(rd.n, "", "expected a domain name like comentum.com, got %q", rd.name)
		rd.name = ""
	}
	return rd
}

// readUser reads "login: password" or "login: {password: ..}"; a login
// written as an address restricts the user to that domain.
func (d *decoder) readUser(p kv) rawUser {
	u := rawUser{login: p.key, k: p.k}
	if strings.Contains(p.key, "@") {
		if !validEmail(p.key) {
			d.errf(p.k, "", "expected a user name or a mail address like bob@hiscompany.com, got %q", p.key)
		} else {
			u.login = normAddr(p.key)
			u.only = u.login[strings.LastIndexByte(u.login, '@')+1:]
		}
	} else if !validUserName(p.key) {
		d.errf(p.k, "letters, digits and . _ - only", "bad user name %q", p.key)
	}
	v := d.deref(p.v)
	if v != nil && v.Kind == yaml.MappingNode {
		m, _ := d.fields(v, "user "+p.key, "password", "quota")
		u.quota, u.quotaNode = d.quotaOf(m)
		if pn, ok := m["password"]; ok {
			u.password, _ = d.str(pn)
		} else {
			d.errf(v, "", "user %s needs a password", p.key)
		}
		return u
	}
	u.password, _ = d.scalar(v, "a password")
	return u
}

func validUserName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// readServer reads "host: [smtp, pop3]" or "host: {services: [..], addr: ..}".
func (d *decoder) readServer(p kv) rawServer {
	s := rawServer{name: p.key, k: p.k, mail: d.readMailServer(nil)}
	v := d.deref(p.v)
	svcNode := v
	if v != nil && v.Kind == yaml.MappingNode {
		m, _ := d.fields(v, "server "+p.key, serverKeys...)
		svcNode = m["services"]
		s.mail = d.readMailServer(m)
		if a, ok := m["addr"]; ok {
			s.addr, _ = d.addr(a)
		}
		if svcNode == nil {
			d.errf(v, "e.g. services: [smtp, pop3]", "server %s needs services:", p.key)
			return s
		}
	}
	names, _ := d.stringList(svcNode, d.str)
	for _, name := range names {
		svc := Service(name)
		if !contains(Services, svc) {
			listed := make([]string, len(Services))
			for i, k := range Services {
				listed[i] = string(k)
			}
			hint := didYouMean(name, listed)
			if spec, ok := service.Lookup(svc); ok {
				hint = fmt.Sprintf("%s runs as part of %s", name, spec.PartOf)
			}
			d.errf(svcNode, hint, "unknown service %q (services are %s)", name, strings.Join(listed, ", "))
			continue
		}
		if contains(s.services, svc) {
			d.errf(svcNode, "", "service %s listed twice", name)
			continue
		}
		s.services = append(s.services, svc)
	}
	return s
}

var hostKeys = []string{"user", "password", "isp", "addr", "leave_on_server", "submission", "incoming", "browser", "auth", "smtp", "pop3", "link"}

func (d *decoder) readHost(p kv) *rawHost {
	h := &rawHost{name: p.key, k: p.k, auth: AuthNone}
	m, _ := d.fields(p.v, "host "+p.key, hostKeys...)
	if n, ok := m["user"]; ok {
		h.user, _ = d.email(n)
		h.userNode = n
	}
	if n, ok := m["password"]; ok {
		h.password, h.hasPassword = d.str(n)
	}
	if n, ok := m["isp"]; ok {
		h.isp, _ = d.str(n)
		h.ispNode = n
	}
	if n, ok := m["addr"]; ok {
		h.addr, _ = d.addr(n)
		h.addrNode = n
	}
	if n, ok := m["leave_on_server"]; ok {
		h.leave, _ = d.boolean(n)
	}
	if n, ok := m["submission"]; ok {
		h.submission, _ = d.boolean(n)
	}
	if n, ok := m["incoming"]; ok {
		h.incomingNode = n
		if s, ok := d.scalar(n, "pop3 or imap"); ok {
			switch k := Service(strings.ToLower(s)); k {
			case POP3, IMAP:
				h.incoming = k
			default:
				d.errf(n, didYouMean(s, []string{"pop3", "imap"}), "expected incoming pop3 or imap, got %q", s)
			}
		}
	}
	if n, ok := m["browser"]; ok {
		h.browser, _ = d.boolean(n)
	}
	if n, ok := m["auth"]; ok {
		h.authNode = n
		if s, ok := d.scalar(n, "none, plain or login"); ok {
			a := Auth(strings.ToLower(s))
			switch a {
			case AuthNone, AuthPlain, AuthLogin:
				h.auth = a
			default:
				if b, ok := map[string]Auth{"true": AuthPlain, "yes": AuthPlain, "false": AuthNone, "no": AuthNone}[string(a)]; ok {
					h.auth = b
				} else {
					d.errf(n, didYouMean(s, []string{"none", "plain", "login"}), "expected auth none, plain or login, got %q", s)
				}
			}
		}
	}
	if n, ok := m["smtp"]; ok {
		h.smtp, _ = d.str(n)
		h.smtpNode = n
	}
	if n, ok := m["pop3"]; ok {
		h.pop3, _ = d.str(n)
		h.pop3Nod = n
	}
	if n, ok := m["link"]; ok {
		h.link = d.linkParams(n, "link")
	}
	return h
}
