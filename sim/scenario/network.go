package scenario

import (
	"encoding/binary"
	"mailsim/servers/service"
	"net/netip"
	"strings"
	"time"
)

// The address plan and link defaults. FORMAT.md documents the same rules.
const (
	InternetRouter = "internet" // the core router every ISP is linked to by default
	RootDNSHost    = "root-dns" // the root DNS server host
)

var (
	// InternetPrefix numbers the Internet side: the core router is .1,
	// the root DNS server .53, extra backbone routers .2 upward.
	InternetPrefix = netip.MustParsePrefix("192.0.2.0/24")
	firstPrefixes  = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24")}
	benchPrefix    = netip.MustParsePrefix("198.18.0.0/15")
	// privatePrefix (RFC 1918) continues the plan past the benchmarking
	// range, for generated loads of thousands of ISPs.
	privatePrefix = netip.MustParsePrefix("10.0.0.0/8")
)

// DefaultLinks holds the latency and bandwidth used when the file gives none.
var DefaultLinks = map[string]struct {
	Latency   time.Duration
	Bandwidth int64
}{
	"lan":      {time.Millisecond, 100e6},    // server <-> ISP router
	"access":   {5 * time.Millisecond, 20e6}, // PC <-> ISP router
	"uplink":   {20 * time.Millisecond, 1e9}, // ISP router <-> Internet router
	"backbone": {10 * time.Millisecond, 1e9}, // root DNS and explicit Internet links
}

// Host number offsets inside an ISP LAN; a server host takes the port
// number of its first service (smtp .25, dns .53, pop3 .110).
const (
	offRouter = 1
	offPCs    = 100
	offServer = 2 // first address tried for explicit servers whose port number is taken
)

// defaultPrefix is the LAN of the i-th ISP (in file order) that has no
// explicit prefix: the two free documentation /24s, then the /24s of the
// benchmarking range 198.18.0.0/15 in order, then those of the private
// range 10.0.0.0/8 (66,050 ISPs in all).
func defaultPrefix(i int) (netip.Prefix, bool) {
	if i < len(firstPrefixes) {
		return firstPrefixes[i], true
	}
	i -= len(firstPrefixes)
	for _, r := range []netip.Prefix{benchPrefix, privatePrefix} {
		if n := int(size(r) / 256); i >= n {
			i -= n
			continue
		}
		return netip.PrefixFrom(addOff(r.Addr(), uint32(i)*256), 24), true
	}
	return netip.Prefix{}, false
}

func addOff(a netip.Addr, off uint32) netip.Addr {
	b := a.As4()
	v := binary.BigEndian.Uint32(b[:]) + off
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// size is the number of addresses in p.
func size(p netip.Prefix) uint32 { return 1 << (32 - p.Bits()) }

// world holds the network being resolved.
type world struct {
	d      *decoder
	s      *Scenario
	byName map[string]int        // host name -> index in s.Hosts
	byAddr map[netip.Addr]string // address -> host name
	links  map[[2]string]int     // unordered pair -> index in s.Links
	defs   map[string]linkParams
	// domainISP maps each domain to the ISP serving it.
	domainISP map[string]string
	rawISPs   map[string]*rawISP
	times     []timeRef // every at/by/after/mailbox-at written in the file
	// brokenHosts and brokenUsers are declared but could not be built:
	// their own lines have the error, references to them stay quiet.
	brokenHosts, brokenUsers map[string]bool

	// Indexes, so that every lookup costs the same however big the file.
	ispIdx    map[string]int          // ISP name -> index in s.ISPs
	pcIdx     map[string]int          // PC host name -> index in s.PCs
	pcsOf     map[string][]int        // user address -> indexes in s.PCs
	userOf    []map[string]int        // per ISP: address -> index in its Users
	freeFrom  map[freeKey]uint32      // see freeAddr
	reverse   map[netip.Prefix]string // see zoneFor; built on first use
	addrCount int                     // mail addresses handed out so far
	names     []string                // see hostNames
	domains   []string                // every domain, sorted; see mailbox
}

// freeKey names one search of freeAddr.
type freeKey struct {
	p    netip.Prefix
	from uint32
}

func (nw *world) params(kind string, p linkParams) linkParams {
	def := DefaultLinks[kind]
	base := linkParams{lat: def.Latency, bw: def.Bandwidth, hasLat: true, hasBW: true}
	return p.over(nw.defs[kind].over(base))
}

// addHost adds a host, reporting a duplicate name or address.
func (nw *world) addHost(h Host) bool {
	if j, dup := nw.byName[h.Name]; dup {
		nw.d.errAt(h.Pos, "host, router and server names share one namespace", "duplicate host name %q (first at line %d)", h.Name, nw.s.Hosts[j].Pos.Line)
		return false
	}
	if h.Addr.IsValid() {
		if other, dup := nw.byAddr[h.Addr]; dup {
			nw.d.errAt(h.Pos, "", "address %s of %s is already used by %s", h.Addr, h.Name, other)
		}
		nw.byAddr[h.Addr] = h.Name
	}
	nw.byName[h.Name] = len(nw.s.Hosts)
	nw.s.Hosts = append(nw.s.Hosts, h)
	return true
}

func pairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

func (nw *world) addLink(a, b string, lp linkParams, pos Pos) {
	nw.links[pairKey(a, b)] = len(nw.s.Links)
	nw.s.Links = append(nw.s.Links, Link{A: a, B: b, Latency: lp.lat, Bandwidth: lp.bw, Loss: lp.faults.loss, Jitter: lp.faults.jitter, Pos: pos})
}

// freeAddr returns the first unused address of p at offset from or above.
// Addresses once used stay used (the Internet router's .1, which can
// move, lies below every search), so each search resumes where the last
// one with the same start ended: placing n hosts costs O(n), not O(n²).
func (nw *world) freeAddr(p netip.Prefix, from uint32) (netip.Addr, bool) {
	k := freeKey{p, from}
	for off := max(from, nw.freeFrom[k]); off < size(p)-1; off++ {
		a := addOff(p.Addr(), off)
		if _, used := nw.byAddr[a]; !used {
			nw.freeFrom[k] = off
			return a, true
		}
	}
	nw.freeFrom[k] = size(p) - 1
	return netip.Addr{}, false
}

// hostNames lists every host name, for did-you-mean hints. Hosts are
// only ever added, so the list grows with them instead of being rebuilt.
func (nw *world) hostNames() []string {
	for _, h := range nw.s.Hosts[len(nw.names):] {
		nw.names = append(nw.names, h.Name)
	}
	return nw.names
}

// host looks up a referenced host, reporting unknown names with a hint.
func (nw *world) host(name string, p Pos) (*Host, bool) {
	if i, ok := nw.byName[name]; ok {
		return &nw.s.Hosts[i], true
	}
	if name != "" && !nw.brokenHosts[name] {
		nw.d.errAt(p, nw.d.suggest(name, nw.hostNames), "unknown host %q", name)
	}
	return nil, false
}

// checkConnected reports every host that no chain of links joins to the
// Internet router.
func (nw *world) checkConnected() {
	adj := map[string][]string{}
	for _, l := range nw.s.Links {
		adj[l.A] = append(adj[l.A], l.B)
		adj[l.B] = append(adj[l.B], l.A)
	}
	seen := map[string]bool{InternetRouter: true}
	queue := []string{InternetRouter}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		for _, n := range adj[h] {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, h := range nw.s.Hosts {
		if !seen[h.Name] {
			nw.d.errAt(h.Pos, "add a link that joins it to the rest of the network", "no route reaches host %s", h.Name)
		}
	}
}

// sortedServices returns svcs in the service table's order.
func sortedServices(svcs []Service) []Service { return service.Order(svcs) }

// domainIn returns the most specific domain that holds the FQDN name,
// or "": the longest suffix of name, at a label boundary, that has(). It
// costs one lookup per label however many domains there are.
func domainIn(name string, has func(string) bool) string {
	name = strings.ToLower(name)
	for {
		if has(name) {
			return name
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return ""
		}
		name = name[i+1:]
	}
}

// domainSet returns a has() for domainIn over the given domains.
func domainSet(domains []Domain) func(string) bool {
	set := make(map[string]bool, len(domains))
	for _, d := range domains {
		set[d.Name] = true
	}
	return func(s string) bool { return set[s] }
}
