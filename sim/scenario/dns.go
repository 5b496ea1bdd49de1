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

// RootTTL is the TTL of the root's own NS and address records: six
// days, as the real root zone gives them.
const RootTTL = 518400 * time.Second

// DefaultMXPref is the preference of generated MX records.
const DefaultMXPref = 10

// buildZones fills in every ISP domain's zone and the root zone.
//
// Each domain D of an ISP gets: D NS <dns host>; D MX 10 <smtp host>
// (unless mx: none); D A <smtp host's address>, so that mail still finds
// the server by the A record when there is no MX (RFC 5321 section 5.1);
// and an A record for every server host of the ISP named inside D. The
// root zone names its own server (". NS" and its address, as the real
// root's a.root-servers.net) and delegates each domain to the ISP's DNS
// host, with glue.
func (s *Scenario) buildZones() {
	hosts := make(map[string]*Host, len(s.Hosts))
	for i := range s.Hosts {
		if _, dup := hosts[s.Hosts[i].Name]; !dup {
			hosts[s.Hosts[i].Name] = &s.Hosts[i]
		}
	}
	addr := func(name string) string {
		if h := hosts[name]; h != nil && h.Addr.IsValid() {
			return h.Addr.String()
		}
		return ""
	}
	// The A records of server hosts, under the most specific domain of
	// their ISP that holds them.
	inISP := map[string]func(string) bool{}
	for _, isp := range s.ISPs {
		if inISP[isp.Name] == nil {
			inISP[isp.Name] = domainSet(isp.Domains)
		}
	}
	named := map[string][]Record{}
	for _, h := range s.Hosts {
		if h.Kind != KindServer || !h.Addr.IsValid() || inISP[h.ISP] == nil {
			continue
		}
		if dom := domainIn(h.Name, inISP[h.ISP]); dom != "" {
			named[dom] = append(named[dom], Record{Name: strings.ToLower(h.Name), Type: "A", Value: h.Addr.String(), TTL: DefaultTTL})
		}
	}
	var root []Record
	glue := map[string]bool{}
	if s.Root.Host != "" && s.Root.Addr.IsValid() {
		root = append(root, Record{Name: ".", Type: "NS", Value: s.Root.Host, TTL: RootTTL},
			Record{Name: s.Root.Host, Type: "A", Value: s.Root.Addr.String(), TTL: RootTTL})
		glue[s.Root.Host] = true
	}
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
				for _, mx := range dm.MXHosts {
					z = append(z, Record{Name: dm.Name, Type: "MX", Value: mx.Host, Pref: mx.Pref, TTL: DefaultTTL})
				}
				if a := addr(isp.Server(SMTP)); a != "" {
					z = append(z, Record{Name: dm.Name, Type: "A", Value: a, TTL: DefaultTTL})
				}
			}
			z = append(z, named[dm.Name]...)
			sortRecords(z)
			dm.Zone = z
		}
	}
	sortRecords(root)
	s.Root.Zone = root
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
func (nw *world) zoneFor(name string) (*ISP, string) {
	served := func(d string) bool { _, ok := nw.domainISP[d]; return ok }
	if dom := domainIn(name, served); dom != "" {
		return nw.ispNamed(nw.domainISP[dom]), dom
	}
	net, zone, ok := reverseZone(name)
	if !ok {
		return nil, ""
	}
	if nw.reverse == nil {
		// The ISP of the first host numbered in each /24.
		nw.reverse = map[netip.Prefix]string{}
		for _, h := range nw.s.Hosts {
			if h.ISP == "" || !h.Addr.Is4() {
				continue
			}
			if p, err := h.Addr.Prefix(24); err == nil && nw.reverse[p] == "" {
				nw.reverse[p] = h.ISP
			}
		}
	}
	if isp := nw.ispNamed(nw.reverse[net]); isp != nil {
		return isp, zone
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
