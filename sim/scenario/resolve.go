package scenario

import (
	"net/netip"
	"sort"
	"strings"

	"mailsim/servers/service"
)

// resolveNetwork builds ISPs, hosts, PCs and links from the raw document.
func (nw *world) resolveNetwork(doc *rawDoc) {
	d := nw.d
	// The Internet side.
	nw.addHost(Host{Name: InternetRouter, Kind: KindRouter, Addr: addOff(InternetPrefix.Addr(), 1), Pos: d.pos(doc.root)})
	for _, r := range doc.routers {
		if r.name == InternetRouter {
			if r.addr.IsValid() {
				nw.s.Hosts[0].Addr = r.addr
				delete(nw.byAddr, addOff(InternetPrefix.Addr(), 1))
				nw.byAddr[r.addr] = InternetRouter
			}
			nw.s.Hosts[0].Pos = d.pos(r.k)
			continue
		}
		if !validName(r.name) {
			d.errf(r.k, "letters, digits, hyphens and dots, e.g. backbone-1", "bad router name %q", r.name)
		}
		a := r.addr
		if !a.IsValid() {
			a, _ = nw.freeAddr(InternetPrefix, 2)
		}
		nw.addHost(Host{Name: r.name, Kind: KindRouter, Addr: a, Pos: d.pos(r.k)})
	}
	rootAddr := doc.rootAddr
	if !rootAddr.IsValid() {
		rootAddr = addOff(InternetPrefix.Addr(), uint32(service.Of(DNS).Port()))
	}
	rootPos := d.pos(doc.root)
	if doc.rootNode != nil {
		rootPos = d.pos(doc.rootNode)
	}
	nw.addHost(Host{Name: RootDNSHost, Kind: KindRoot, Addr: rootAddr, Services: []Service{DNS}, Pos: rootPos})
	nw.s.Root = Root{Host: RootDNSHost, Addr: rootAddr}
	nw.addLink(RootDNSHost, InternetRouter, nw.params("backbone", linkParams{}), rootPos)

	nw.assignPrefixes(doc)
	for _, ri := range doc.isps {
		nw.resolveISP(ri)
	}
	for _, rh := range doc.hosts {
		nw.resolvePC(rh)
	}
	nw.explicitLinks(doc)
	nw.checkConnected()
}

// assignPrefixes gives every ISP without prefix: the next default /24
// that overlaps no explicit prefix, in file order.
func (nw *world) assignPrefixes(doc *rawDoc) {
	var taken prefixSet
	taken.add(InternetPrefix)
	for _, ri := range doc.isps {
		if !ri.prefix.IsValid() {
			continue
		}
		if t, ok := taken.overlap(ri.prefix); ok {
			nw.d.errf(ri.prefixNode, "every ISP needs a LAN of its own", "prefix %s overlaps %s", ri.prefix, t)
		}
		taken.add(ri.prefix)
	}
	next := 0
	for _, ri := range doc.isps {
		if ri.prefix.IsValid() || ri.prefixNode != nil {
			continue
		}
		for {
			p, ok := defaultPrefix(next)
			next++
			if !ok {
				nw.d.errf(ri.k, "give it prefix: explicitly", "too many ISPs for the default address plan at ISP %s", ri.name)
				break
			}
			if _, used := taken.overlap(p); !used {
				ri.prefix = p
				break
			}
		}
	}
}

// prefixSet holds IPv4 prefixes and finds one that overlaps a given
// prefix: by comparing each while there are few, then in a few map
// lookups however many there are.
type prefixSet struct {
	list  []netip.Prefix       // in the order added
	exact map[netip.Prefix]int // prefix -> first index in list
	// inside maps every shorter prefix of each prefix added to the
	// first prefix added inside it.
	inside map[netip.Prefix]netip.Prefix
}

// fewPrefixes is how many prefixes a prefixSet compares one by one.
const fewPrefixes = 16

func (s *prefixSet) add(p netip.Prefix) {
	s.list = append(s.list, p)
	switch {
	case len(s.list) <= fewPrefixes:
	case s.exact == nil:
		s.exact, s.inside = map[netip.Prefix]int{}, map[netip.Prefix]netip.Prefix{}
		for i, q := range s.list {
			s.index(q, i)
		}
	default:
		s.index(p, len(s.list)-1)
	}
}

func (s *prefixSet) index(p netip.Prefix, i int) {
	if _, dup := s.exact[p]; !dup {
		s.exact[p] = i
	}
	for l := 0; l < p.Bits(); l++ {
		q, _ := p.Addr().Prefix(l)
		if _, ok := s.inside[q]; !ok {
			s.inside[q] = p
		}
	}
}

// overlap returns the earliest added prefix that overlaps p: one that
// holds p or lies inside it.
func (s *prefixSet) overlap(p netip.Prefix) (netip.Prefix, bool) {
	if s.exact == nil {
		for _, q := range s.list {
			if q.Overlaps(p) {
				return q, true
			}
		}
		return netip.Prefix{}, false
	}
	best, bestI := netip.Prefix{}, -1
	for l := 0; l <= p.Bits(); l++ {
		q, _ := p.Addr().Prefix(l)
		if i, ok := s.exact[q]; ok && (bestI < 0 || i < bestI) {
			best, bestI = q, i
		}
	}
	if q, ok := s.inside[p]; ok && (bestI < 0 || s.exact[q] < bestI) {
		best, bestI = q, s.exact[q]
	}
	return best, bestI >= 0
}

// place returns the address for a host in an ISP LAN: the explicit one if
// valid and inside the prefix, else the first free one from offset.
func (nw *world) place(ri *rawISP, name string, explicit netip.Addr, p Pos, offset uint32) netip.Addr {
	if explicit.IsValid() {
		if ri.prefix.IsValid() && !ri.prefix.Contains(explicit) {
			nw.d.errAt(p, "addresses in an ISP come from its prefix", "address %s of %s is outside %s's LAN %s", explicit, name, ri.name, ri.prefix)
		}
		return explicit
	}
	if !ri.prefix.IsValid() {
		return netip.Addr{}
	}
	a, ok := nw.freeAddr(ri.prefix, offset)
	if !ok {
		nw.d.errAt(p, "use a larger prefix", "no free address left in %s for %s", ri.prefix, name)
	}
	return a
}

func (nw *world) resolveISP(ri *rawISP) {
	d := nw.d
	pos := d.pos(ri.k)
	if !validName(ri.name) || strings.Contains(ri.name, ".") {
		d.errAt(pos, "letters, digits and hyphens, e.g. comentum", "bad ISP name %q", ri.name)
	}
	isp := ISP{Name: ri.name, Prefix: ri.prefix, Router: ri.name + "-router", Pos: pos}
	// Domains, unique across every ISP.
	for _, rd := range ri.domains {
		if rd.name == "" {
			continue
		}
		if other, dup := nw.domainISP[rd.name]; dup {
			d.errf(rd.n, "a domain is served by one ISP", "domain %s is already served by ISP %s", rd.name, other)
			continue
		}
		nw.domainISP[rd.name] = ri.name
		isp.Domains = append(isp.Domains, Domain{Name: rd.name, MX: rd.mx})
	}
	if ri.misplaced {
		hint, _ := misplacedKey(ri.name, ispKeys, "ISP")
		d.errAt(pos, hint, "%s: is read as an ISP of its own", ri.name)
		return
	}
	if len(ri.domains) == 0 {
		d.errAt(pos, "e.g. domain: comentum.com", "ISP %s has no domain", ri.name)
	}
	// Router.
	raddr := nw.place(ri, isp.Router, ri.routerAddr, pos, offRouter)
	nw.addHost(Host{Name: isp.Router, Kind: KindRouter, Addr: raddr, ISP: ri.name, Pos: pos})
	switch {
	case ri.uplinkTo == "none":
	case ri.uplinkTo == "":
		nw.addLink(isp.Router, InternetRouter, nw.params("uplink", ri.uplink), pos)
	default:
		if h, ok := nw.host(ri.uplinkTo, d.pos(ri.uplinkNode)); ok {
			nw.addLink(isp.Router, h.Name, nw.params("uplink", ri.uplink), d.pos(ri.uplinkNode))
		}
	}
	// Servers: the default trio, or the explicit servers: block.
	servers := ri.servers
	if !ri.hasServers && len(isp.Domains) > 0 {
		p := isp.Domains[0].Name
		servers = []rawServer{
			{name: "smtp." + p, services: []Service{SMTP}, k: ri.k},
			{name: "pop3." + p, services: []Service{POP3}, k: ri.k},
			{name: "ns." + p, services: []Service{DNS}, k: ri.k},
		}
	}
	owner := map[Service]string{}
	inISP := domainSet(isp.Domains)
	for _, rs := range servers {
		sp := d.pos(rs.k)
		if !validDomain(rs.name) || (len(isp.Domains) > 0 && domainIn(rs.name, inISP) == "") {
			hint := "so DNS can name it"
			if len(isp.Domains) > 0 {
				hint = "e.g. mail." + isp.Domains[0].Name + ", " + hint
			}
			d.errAt(sp, hint, "server host name %q must lie in one of %s's domains", rs.name, ri.name)
		}
		off := uint32(offServer)
		if len(rs.services) > 0 {
			off = uint32(service.Of(rs.services[0]).Port()) // smtp .25, pop3 .110, dns .53
		}
		a := nw.place(ri, rs.name, rs.addr, sp, off)
		if !nw.addHost(Host{Name: rs.name, Kind: KindServer, Addr: a, ISP: ri.name, Services: sortedServices(rs.services), Pos: sp}) {
			continue
		}
		nw.addLink(rs.name, isp.Router, nw.params("lan", ri.lan), sp)
		nw.mailServerKeysOnSMTP(rs)
		if contains(rs.services, SMTP) {
			mail := rs.mail
			if mail.queue.Retry == 0 {
				mail = d.readMailServer(nil) // the default trio
			}
			isp.SMTPServers = append(isp.SMTPServers, SMTPServer{Host: rs.name, Queue: mail.queue, Limits: mail.limits})
		}
		for _, svc := range rs.services {
			if _, dup := owner[svc]; dup && svc == SMTP {
				continue // more SMTP hosts: the first is the ISP's own, the others MX hosts
			}
			if prev, dup := owner[svc]; dup {
				d.errAt(sp, "one host per service in each ISP", "ISP %s runs %s on both %s and %s", ri.name, svc, prev, rs.name)
				continue
			}
			owner[svc] = rs.name
		}
	}
	for _, svc := range Services {
		if owner[svc] == "" && ri.hasServers && !service.Of(svc).Optional {
			d.errAt(pos, "list a host for it under servers:", "ISP %s has no host running %s", ri.name, svc)
		}
	}
	isp.Servers = owner
	nw.addParts(&isp)
	isp.Users = nw.resolveUsers(ri, isp.Domains, inISP)
	users := map[string]int{}
	for i, u := range isp.Users {
		for _, a := range u.Addresses {
			if _, dup := users[a]; !dup {
				users[a] = i
			}
		}
	}
	if _, dup := nw.ispIdx[isp.Name]; !dup {
		nw.ispIdx[isp.Name] = len(nw.s.ISPs)
	}
	nw.userOf = append(nw.userOf, users)
	nw.s.ISPs = append(nw.s.ISPs, isp)
	nw.rawISPs[ri.name] = ri
}

// maxAddresses caps the mail addresses of one file: every user of an ISP
// gets one in each of its domains, so a few lines could ask for millions.
const maxAddresses = 100_000

// resolveUsers gives each user an address in every domain of the ISP,
// or only in the domain of a login written as an address.
func (nw *world) resolveUsers(ri *rawISP, domains []Domain, inISP func(string) bool) []User {
	var users []User
	n := 0
	for _, ru := range ri.users {
		if ru.only != "" {
			n++
		} else {
			n += len(domains)
		}
	}
	if nw.addrCount+n > maxAddresses {
		nw.d.errf(ri.k, "give users fewer domains, e.g. write the login as bob@comentum.com",
			"too many mail addresses: ISP %s gives its users %d, past the %d a scenario may have", ri.name, n, maxAddresses)
		return nil
	}
	nw.addrCount += n
	owner := map[string]string{}
	// Addresses claimed by a login written as an address are not handed
	// to an unrestricted user of the same local part.
	claimed := map[string]bool{}
	for _, ru := range ri.users {
		if ru.only != "" {
			claimed[ru.login] = true
		}
	}
	for _, ru := range ri.users {
		u := User{Login: ru.login, Password: ru.password, Quota: ru.quota}
		if ru.quotaNode == nil {
			u.Quota = ri.quota
		}
		if ru.only != "" {
			if !inISP(ru.only) {
				nw.d.errf(ru.k, "add the domain to the ISP's domains", "ISP %s does not serve domain %s", ri.name, ru.only)
				continue
			}
			u.Addresses = []string{ru.login}
		} else {
			local := ru.login
			for _, dm := range domains {
				if a := local + "@" + dm.Name; !claimed[a] {
					u.Addresses = append(u.Addresses, a)
				}
			}
		}
		for _, a := range u.Addresses {
			if prev, dup := owner[a]; dup {
				nw.d.errf(ru.k, "", "address %s belongs to both %s and %s", a, prev, ru.login)
			}
			owner[a] = ru.login
		}
		sort.Strings(u.Addresses)
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Login < users[j].Login })
	return users
}

// resolvePC places a PC and fills in its mail program settings.
func (nw *world) resolvePC(rh *rawHost) {
	d := nw.d
	pos := d.pos(rh.k)
	if hint, slip := misplacedKey(rh.name, hostKeys, "host"); slip {
		d.errAt(pos, hint, "%s: is read as a host of its own", rh.name)
		nw.broken(rh.name)
		return
	}
	if !validName(rh.name) {
		d.errAt(pos, "letters, digits, hyphens and dots, e.g. bob-pc", "bad host name %q", rh.name)
	}
	pc := PC{Host: rh.name, User: rh.user, LeaveOnServer: rh.leave, Auth: rh.auth, Submission: rh.submission, Browser: rh.browser || rh.user == "", Pos: pos}
	if rh.user != "" {
		pc.Incoming = POP3
		if rh.incoming != "" {
			pc.Incoming = rh.incoming
		}
	} else if rh.incomingNode != nil {
		d.errf(rh.incomingNode, "give it user: (a mail address)", "host %s has incoming: but no mail account", rh.name)
	}
	if rh.submission {
		switch {
		case rh.authNode == nil:
			pc.Auth = AuthPlain // RFC 6409 §4.3: submission requires a login
		case rh.auth == AuthNone:
			d.errf(rh.authNode, "use auth: plain or login, or drop submission: true", "the submission port needs a login, but auth is none")
		}
		if rh.user == "" {
			d.errAt(pos, "give it user: (a mail address)", "host %s has submission: true but no mail account", rh.name)
		}
	}
	var mailISP *ISP
	if rh.user != "" {
		mailISP = nw.mailbox(rh.user, d.pos(rh.userNode), &pc)
	}
	connISP := mailISP
	if rh.isp != "" {
		connISP = nw.isp(rh.isp, d.pos(rh.ispNode))
	} else if rh.userNode == nil {
		d.errAt(pos, "give it user: (a mail address) or isp: (where it connects)", "host %s needs user: or isp:", rh.name)
	}
	if rh.hasPassword {
		pc.Password = rh.password
	}
	if connISP == nil {
		nw.broken(rh.name)
		nw.brokenUser(rh.user)
		return
	}
	pc.ISP = connISP.Name
	ri := nw.rawISPs[connISP.Name]
	addrPos := pos
	if rh.addrNode != nil {
		addrPos = d.pos(rh.addrNode)
	}
	a := nw.place(ri, rh.name, rh.addr, addrPos, offPCs)
	if !nw.addHost(Host{Name: rh.name, Kind: KindPC, Addr: a, ISP: connISP.Name, Pos: pos}) {
		return
	}
	nw.addLink(rh.name, connISP.Router, nw.params("access", rh.link.over(ri.access)), pos)
	pc.SMTP, pc.DNS = connISP.Server(SMTP), connISP.Server(DNS)
	if mailISP != nil {
		pc.POP3 = mailISP.Server(POP3)
	}
	if rh.smtp != "" {
		pc.SMTP = nw.serverRef(rh.smtp, SMTP, d.pos(rh.smtpNode))
	}
	if rh.pop3 != "" {
		pc.POP3 = nw.serverRef(rh.pop3, POP3, d.pos(rh.pop3Nod))
	}
	nw.pcIdx[pc.Host] = len(nw.s.PCs)
	if pc.User != "" {
		nw.pcsOf[pc.User] = append(nw.pcsOf[pc.User], len(nw.s.PCs))
	}
	nw.s.PCs = append(nw.s.PCs, pc)
}

// mailbox finds the ISP and user owning addr, filling in pc's login and
// password, and reports unknown domains and users.
func (nw *world) mailbox(addr string, p Pos, pc *PC) *ISP {
	dom := addr[strings.LastIndexByte(addr, '@')+1:]
	ispName, ok := nw.domainISP[dom]
	if !ok {
		doms := func() []string {
			if nw.domains == nil { // every ISP is resolved by now
				for k := range nw.domainISP {
					nw.domains = append(nw.domains, k)
				}
				sort.Strings(nw.domains)
			}
			return nw.domains
		}
		nw.d.errAt(p, nw.d.suggest(dom, doms), "no ISP serves domain %s", dom)
		return nil
	}
	i := nw.ispIdx[ispName]
	isp := &nw.s.ISPs[i]
	if u, ok := nw.userOf[i][addr]; ok {
		pc.MailISP, pc.Login, pc.Password = isp.Name, isp.Users[u].Login, isp.Users[u].Password
		return isp
	}
	all := func() []string {
		var all []string
		for _, u := range isp.Users {
			all = append(all, u.Addresses...)
		}
		return all
	}
	if ri := nw.rawISPs[isp.Name]; ri == nil || !ri.incomplete { // else its users: key was misplaced, reported there
		nw.d.errAt(p, nw.d.suggest(addr, all), "ISP %s has no user %s", isp.Name, addr)
	}
	return nil
}

// ispNamed returns the named ISP, or nil.
func (nw *world) ispNamed(name string) *ISP {
	if i, ok := nw.ispIdx[name]; ok {
		return &nw.s.ISPs[i]
	}
	return nil
}

// isp looks up a referenced ISP.
func (nw *world) isp(name string, p Pos) *ISP {
	if i := nw.ispNamed(name); i != nil {
		return i
	}
	names := func() []string {
		var names []string
		for _, i := range nw.s.ISPs {
			names = append(names, i.Name)
		}
		return names
	}
	nw.d.errAt(p, nw.d.suggest(name, names), "unknown ISP %q", name)
	return nil
}

// serverRef checks that name is a host running svc.
func (nw *world) serverRef(name string, svc Service, p Pos) string {
	h, ok := nw.host(name, p)
	if !ok {
		return ""
	}
	if !contains(h.Services, svc) {
		nw.d.errAt(p, "", "host %s does not run %s", name, svc)
		return ""
	}
	return name
}

// explicitLinks adds or overrides links listed under internet.links.
func (nw *world) explicitLinks(doc *rawDoc) {
	explicit := map[[2]string]bool{}
	for _, rl := range doc.links {
		p := nw.d.pos(rl.n)
		_, okA := nw.host(rl.a, nw.d.pos(rl.an))
		_, okB := nw.host(rl.b, nw.d.pos(rl.bn))
		if !okA || !okB {
			continue
		}
		if rl.a == rl.b {
			nw.d.errAt(p, "", "link from %s to itself", rl.a)
			continue
		}
		key := pairKey(rl.a, rl.b)
		if explicit[key] {
			nw.d.errAt(p, "", "duplicate link between %s and %s", rl.a, rl.b)
			continue
		}
		explicit[key] = true
		lp := nw.params("backbone", rl.lp)
		if i, ok := nw.links[key]; ok {
			// An explicit link between two hosts that are linked by
			// default only changes that link's parameters.
			l := &nw.s.Links[i]
			cur := rl.lp.over(linkParams{lat: l.Latency, bw: l.Bandwidth, hasLat: true, hasBW: true,
				faults: linkFaults{loss: l.Loss, jitter: l.Jitter, hasLoss: true, hasJitter: true}})
			l.Latency, l.Bandwidth, l.Loss, l.Jitter, l.Pos = cur.lat, cur.bw, cur.faults.loss, cur.faults.jitter, p
			continue
		}
		nw.addLink(rl.a, rl.b, lp, p)
	}
}

// addParts records the services that run as part of the ones an ISP
// lists (submission with smtp; lmtp with pop3 when SMTP hands mail over
// from another host) on the same hosts.
func (nw *world) addParts(isp *ISP) {
	for _, k := range Services {
		host := isp.Servers[k]
		if host == "" {
			continue
		}
		for _, p := range service.Parts(k) {
			if p == LMTP && isp.Servers[SMTP] == host {
				continue // SMTP stores local mail itself
			}
			isp.Servers[p] = host
			nw.addService(host, p)
		}
	}
	// Every further SMTP host runs submission too.
	for _, ms := range isp.SMTPServers[min(1, len(isp.SMTPServers)):] {
		for _, p := range service.Parts(SMTP) {
			nw.addService(ms.Host, p)
		}
	}
}

func (nw *world) addService(host string, k Service) {
	if i, ok := nw.byName[host]; ok {
		h := &nw.s.Hosts[i]
		if !contains(h.Services, k) {
			h.Services = sortedServices(append(h.Services, k))
		}
	}
}
