package dns

import (
	"fmt"
	"sort"
	"strings"

	mdns "github.com/miekg/dns"
)

// zoneData is the runtime form of a Zone: records by owner name and type.
// Its owner (Authoritative) guards it with a lock.
type zoneData struct {
	origin string
	defTTL uint32
	names  map[string]map[uint16][]mdns.RR
}

func newZoneData(z Zone) (*zoneData, error) {
	origin := mdns.CanonicalName(z.Origin)
	if _, ok := mdns.IsDomainName(origin); !ok || strings.TrimSpace(z.Origin) == "" {
		return nil, fmt.Errorf("dns: bad zone origin %q", z.Origin)
	}
	ttl := z.TTL
	if ttl == 0 {
		ttl = DefaultTTL
	}
	zd := &zoneData{origin: origin, defTTL: ttl, names: map[string]map[uint16][]mdns.RR{}}
	soa := &mdns.SOA{
		Hdr:     mdns.RR_Header{Name: origin, Rrtype: mdns.TypeSOA, Class: mdns.ClassINET, Ttl: ttl},
		Ns:      qualify(z.MName, origin),
		Mbox:    qualify(z.RName, origin),
		Serial:  z.Serial,
		Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: z.Minimum,
	}
	if z.MName == "" {
		soa.Ns = qualify("ns", origin)
	}
	if z.RName == "" {
		soa.Mbox = qualify("hostmaster", origin)
	}
	if soa.Serial == 0 {
		soa.Serial = 1
	}
	if soa.Minttl == 0 {
		soa.Minttl = 300
	}
	zd.add(soa)
	for _, r := range z.Records {
		rr, err := r.toRR(origin, ttl)
		if err != nil {
			return nil, fmt.Errorf("zone %s: %w", origin, err)
		}
		if !mdns.IsSubDomain(origin, rr.Header().Name) {
			return nil, fmt.Errorf("dns: zone %s: %s is out of zone", origin, rr.Header().Name)
		}
		zd.add(rr)
	}
	return zd, nil
}

// add inserts rr, replacing the SOA or a duplicate (same name, type, data).
func (z *zoneData) add(rr mdns.RR) {
	h := rr.Header()
	node := z.names[h.Name]
	if node == nil {
		node = map[uint16][]mdns.RR{}
		z.names[h.Name] = node
	}
	if h.Rrtype == mdns.TypeSOA {
		node[mdns.TypeSOA] = []mdns.RR{rr}
		return
	}
	set := node[h.Rrtype]
	for i, old := range set {
		if mdns.IsDuplicate(old, rr) {
			set[i] = rr
			return
		}
	}
	node[h.Rrtype] = append(set, rr)
}

// remove deletes the records of name and type, all of them when match is
// nil, else only the one with match's data. It reports how many went.
func (z *zoneData) remove(name string, t uint16, match mdns.RR) int {
	node := z.names[name]
	var kept []mdns.RR
	n := 0
	for _, old := range node[t] {
		if match == nil || mdns.IsDuplicate(old, match) {
			n++
			continue
		}
		kept = append(kept, old)
	}
	if len(kept) == 0 {
		delete(node, t)
	} else {
		node[t] = kept
	}
	if len(node) == 0 {
		delete(z.names, name)
	}
	return n
}

func (z *zoneData) soa() *mdns.SOA {
	if set := z.names[z.origin][mdns.TypeSOA]; len(set) == 1 {
		if s, ok := set[0].(*mdns.SOA); ok {
			return s
		}
	}
	return nil
}

// negativeSOA is the SOA for the authority section of a negative answer,
// with the TTL RFC 2308 §3 asks for: the lesser of its TTL and MINIMUM.
func (z *zoneData) negativeSOA() []mdns.RR {
	s := z.soa()
	if s == nil {
		return nil
	}
	c := mdns.Copy(s).(*mdns.SOA)
	if c.Minttl < c.Hdr.Ttl {
		c.Hdr.Ttl = c.Minttl
	}
	return []mdns.RR{c}
}

// cut returns the NS records of the highest delegation point strictly
// below the origin on the way down to name, if any.
func (z *zoneData) cut(name string) (string, []mdns.RR) {
	zl := mdns.CountLabel(z.origin)
	idx := mdns.Split(name)
	for i := len(idx) - 1; i >= 0; i-- {
		n := name[idx[i]:]
		if mdns.CountLabel(n) <= zl {
			continue
		}
		if ns := z.names[n][mdns.TypeNS]; len(ns) > 0 {
			return n, ns
		}
	}
	return "", nil
}

// nonTerminal reports whether name owns no records but has descendants
// that do (RFC 8020: such a name exists, so the answer is NODATA).
func (z *zoneData) nonTerminal(name string) bool {
	suffix := "." + name
	if name == "." {
		suffix = "."
	}
	for n := range z.names {
		if n != name && strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// records lists every record, sorted by name, type, then text.
func (z *zoneData) records() []mdns.RR {
	var out []mdns.RR
	for _, node := range z.names {
		for _, set := range node {
			out = append(out, set...)
		}
	}
	sortRRs(out)
	return out
}

// sortRRs orders records canonically enough for stable output: by owner
// (compared label by label from the right), type, then text.
func sortRRs(rrs []mdns.RR) {
	sort.SliceStable(rrs, func(i, j int) bool {
		a, b := rrs[i].Header(), rrs[j].Header()
		if a.Name != b.Name {
			return nameLess(a.Name, b.Name)
		}
		if a.Rrtype != b.Rrtype {
			return a.Rrtype < b.Rrtype
		}
		return rrs[i].String() < rrs[j].String()
	})
}

// nameLess orders names as RFC 4034 §6.1 does, most significant label first.
func nameLess(a, b string) bool {
	la, lb := mdns.SplitDomainName(strings.ToLower(a)), mdns.SplitDomainName(strings.ToLower(b))
	for i, j := len(la)-1, len(lb)-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
		if la[i] != lb[j] {
			return la[i] < lb[j]
		}
	}
	return len(la) < len(lb)
}
