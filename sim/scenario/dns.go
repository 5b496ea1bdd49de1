package scenario

import (
	"sort"
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
			if isp.DNS != "" {
				z = append(z, Record{Name: dm.Name, Type: "NS", Value: isp.DNS, TTL: DefaultTTL})
				root = append(root, Record{Name: dm.Name, Type: "NS", Value: isp.DNS, TTL: DefaultTTL})
				if a := addr(isp.DNS); a != "" && !glue[isp.DNS] {
					glue[isp.DNS] = true
					root = append(root, Record{Name: isp.DNS, Type: "A", Value: a, TTL: DefaultTTL})
				}
			}
			if isp.SMTP != "" {
				if dm.MX {
					z = append(z, Record{Name: dm.Name, Type: "MX", Value: isp.SMTP, Pref: DefaultMXPref, TTL: DefaultTTL})
				}
				if a := addr(isp.SMTP); a != "" {
					z = append(z, Record{Name: dm.Name, Type: "A", Value: a, TTL: DefaultTTL})
				}
			}
			for _, h := range s.Hosts {
				if h.ISP == isp.Name && h.Kind == KindServer && longestDomain(h.Name, isp.Domains) == dm.Name && h.Addr.IsValid() {
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

var typeOrder = map[string]int{"NS": 0, "MX": 1, "A": 2, "CNAME": 3, "TXT": 4}

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

// zoneFor returns the ISP and domain whose zone holds name, or nil.
func (s *Scenario) zoneFor(name string) (*ISP, string) {
	var best *ISP
	dom := ""
	for i := range s.ISPs {
		if d := longestDomain(name, s.ISPs[i].Domains); len(d) > len(dom) {
			best, dom = &s.ISPs[i], d
		}
	}
	return best, dom
}
