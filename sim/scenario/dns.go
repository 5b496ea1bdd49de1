package scenario

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultTTL is the TTL of generated records and of dns_add records that
// give none.
const DefaultTTL = 5 * time.Minute

// DefaultMXPref is the preference of generated MX records.
const DefaultMXPref = 10

// buildZones fills in every ISP domain's zone and the root zone.
//
// Each domain D of an ISP gets: D NS <dns host>; D MX 10 <smtp host>
// (unless mx: none); D A <smtp host's address>, so that mail still finds
// the server by the A record when there is no MX (RFC 5321 section 5.1);
// and an A record for every server host of the ISP named inside D. The
// root zone delegates each domain to the ISP's DNS host, with glue.
func (s *Scenario) buildZones() {
	addr := func(name string) string {
		if h := s.Host(name); h != nil && h.Addr.IsValid() {
			return h.Addr.String()
		}
		return ""
	}
	var root []Record
	glue := map[string]bool{}
	for i := range s.ISPs {
		isp := &s.ISPs[i]
		for j := range isp.Domains {
			dm := &isp.Domains[j]
			var z []Record
			if isp.Server(DNS) != "" {
				z = append(z, Record{Name: dm.Name, Type: "NS", Value: isp.Server(DNS), TTL: DefaultTTL})
				root = append(root, Record{Name: dm.Name, Type: "NS", Value: isp.Server(DNS), TTL: DefaultTTL})
				if a := addr(isp.Server(DNS)); a != "" && !glue[isp.Server(DNS)] {
					glue[isp.Server(DNS)] = true
					root = append(root, Record{Name: isp.Server(DNS), Type: "A", Value: a, TTL: DefaultTTL})
				}
			}
			if isp.Server(SMTP) != "" {
				if dm.MX {
					z = append(z, Record{Name: dm.Name, Type: "MX", Value: isp.Server(SMTP), Pref: DefaultMXPref, TTL: DefaultTTL})
				}
				if a := addr(isp.Server(SMTP)); a != "" {
					z = append(z, Record{Name: dm.Name, Type: "A", Value: a, TTL: DefaultTTL})
				}
			}
			for _, h := range s.HostsOf(isp.Name) {
				if h.Kind == KindServer && longestDomain(h.Name, isp.Domains) == dm.Name && h.Addr.IsValid() {
					z = append(z, Record{Name: strings.ToLower(h.Name), Type: "A", Value: h.Addr.String(), TTL: DefaultTTL})
				}
			}
			sortRecords(z)
			dm.Zone = z
		}
	}
	sortRecords(root)
	s.Root.Zone = root
}

// longestDomain returns the most specific of domains that holds name.
func longestDomain(name string, domains []Domain) string {
	best := ""
	for _, d := range domains {
		n := strings.ToLower(name)
		if (n == d.Name || strings.HasSuffix(n, "."+d.Name)) && len(d.Name) > len(best) {
			best = d.Name
		}
	}
	return best
}

var typeOrder = map[string]int{"NS": 0, "MX": 1, "A": 2, "CNAME": 3, "TXT": 4, "PTR": 5}

func sortRecords(z []Record) {
	sort.SliceStable(z, func(i, j int) bool {
		a, b := z[i], z[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Type != b.Type {
			return typeOrder[a.Type] < typeOrder[b.Type]
		}
		return a.Value < b.Value
	})
}

// zoneFor returns the ISP and zone that hold name, or nil. Names under
// in-addr.arpa that no ISP domain holds belong to the reverse zone
// (RFC 1035 section 3.5) of their /24, "c.b.a.in-addr.arpa", which the
// DNS host of the ISP whose LAN holds a.b.c.0/24 serves when one of that
// ISP's hosts has an address in it.
func (s *Scenario) zoneFor(name string) (*ISP, string) {
	var best *ISP
	dom := ""
	for i := range s.ISPs {
		if d := longestDomain(name, s.ISPs[i].Domains); len(d) > len(dom) {
			best, dom = &s.ISPs[i], d
		}
	}
	if best != nil {
		return best, dom
	}
	net, zone, ok := reverseZone(name)
	if !ok {
		return nil, ""
	}
	for _, h := range s.Hosts {
		if h.ISP == "" || !h.Addr.Is4() {
			continue
		}
		if p, err := h.Addr.Prefix(24); err == nil && p == net {
			return s.ISP(h.ISP), zone
		}
	}
	return nil, ""
}

// reverseZone returns the /24 and the reverse zone name of an in-addr.arpa
// name with at least three address labels, e.g. 7.100.51.198.in-addr.arpa
// or 100.51.198.in-addr.arpa give 198.51.100.0/24, 100.51.198.in-addr.arpa.
func reverseZone(name string) (netip.Prefix, string, bool) {
	const suffix = ".in-addr.arpa"
	rest, ok := strings.CutSuffix(strings.ToLower(name), suffix)
	if !ok {
		return netip.Prefix{}, "", false
	}
	labels := strings.Split(rest, ".")
	if len(labels) < 3 {
		return netip.Prefix{}, "", false
	}
	var b [4]byte
	for i, l := range labels[len(labels)-3:] {
		v, err := strconv.Atoi(l)
		if err != nil || v < 0 || v > 255 || strconv.Itoa(v) != l {
			return netip.Prefix{}, "", false
		}
		b[2-i] = byte(v)
	}
	zone := strings.Join(labels[len(labels)-3:], ".") + suffix
	return netip.PrefixFrom(netip.AddrFrom4(b), 24), zone, true
}
