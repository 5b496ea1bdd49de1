package dns

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	mdns "github.com/miekg/dns"
)

// DefaultTTL is used for records (and a zone's SOA) that give no TTL.
const DefaultTTL = 3600

// Zone is the configuration of one authoritative zone: plain data, filled
// from a YAML scenario.
//
// Names in Records (owner names and the host names in NS, MX, CNAME and
// PTR values) may be written relative to Origin ("www", "@" for the origin
// itself) or absolute. A name is taken as absolute when it ends in a dot or
// already ends with the origin ("smtp.comentum.com" in zone comentum.com),
// so scenario authors need not remember the trailing dot.
type Zone struct {
	Origin string `yaml:"origin"` // e.g. "comentum.com." or "." for the root
	TTL    uint32 `yaml:"ttl"`    // default TTL of records and of the SOA; 0 means DefaultTTL

	// SOA fields (RFC 1035 §3.3.13). MName is the primary name server,
	// RName the mailbox of the person responsible ("hostmaster.comentum.com").
	// Zero values get sensible defaults: ns.<origin>, hostmaster.<origin>, serial 1.
	MName  string `yaml:"mname"`
	RName  string `yaml:"rname"`
	Serial uint32 `yaml:"serial"`
	// Minimum is the negative-caching TTL (RFC 2308 §4); 0 means 300.
	Minimum uint32 `yaml:"minimum"`

	Records []Record `yaml:"records"`
}

// Record is one resource record of a zone.
//
// Value by Type: A and AAAA an address; NS, CNAME and PTR a host name; MX a
// host name with Pref as the preference (or "10 smtp" with Pref left 0);
// TXT free text; SOA "mname rname serial refresh retry expire minimum".
// Any other type miekg/dns knows is accepted in zone-file syntax with
// absolute names.
type Record struct {
	Name  string `yaml:"name"`
	Type  string `yaml:"type"`
	TTL   uint32 `yaml:"ttl"`
	Value string `yaml:"value"`
	Pref  uint16 `yaml:"pref"`
}

// String renders the record in zone-file syntax, as the inspector shows it.
func (r Record) String() string {
	v := r.Value
	if strings.EqualFold(r.Type, "MX") {
		v = fmt.Sprintf("%d %s", r.Pref, r.Value)
	}
	return fmt.Sprintf("%s %d IN %s %s", r.Name, r.TTL, strings.ToUpper(r.Type), v)
}

// Host is a named machine with an IPv4 (or IPv6) address.
type Host struct {
	Name string     `yaml:"name"` // "smtp" or "smtp.comentum.com"
	Addr netip.Addr `yaml:"addr"`
}

// Delegation hands Domain to the name server NS at Addr: an NS record in
// the parent zone plus a glue address record (RFC 1034 §4.2.1).
type Delegation struct {
	Domain string     `yaml:"domain"`
	NS     string     `yaml:"ns"`
	Addr   netip.Addr `yaml:"addr"`
}

// RootZone returns the zone "." served by the root name server nsName at
// nsAddr, delegating each domain directly to its name server with glue.
func RootZone(nsName string, nsAddr netip.Addr, delegations ...Delegation) Zone {
	ns := mdns.CanonicalName(nsName)
	z := Zone{
		Origin: ".", TTL: 86400, MName: ns, RName: "hostmaster." + ns, Serial: 1, Minimum: 86400,
		Records: []Record{{Name: ".", Type: "NS", Value: ns}, addrRecord(ns, nsAddr, 0)},
	}
	for _, d := range delegations {
		dom, nsn := mdns.CanonicalName(d.Domain), mdns.CanonicalName(d.NS)
		z.Records = append(z.Records, Record{Name: dom, Type: "NS", TTL: 172800, Value: nsn})
		if d.Addr.IsValid() {
			z.Records = append(z.Records, addrRecord(nsn, d.Addr, 172800))
		}
	}
	return z
}

// ISPZone returns an ISP's forward zone: SOA, "NS ns.<domain>", an
// "MX 10 smtp.<domain>" when a host named smtp is listed, and an address
// record for every host.
func ISPZone(domain string, hosts []Host) Zone {
	origin := mdns.CanonicalName(domain)
	z := Zone{Origin: origin, Records: []Record{{Name: "@", Type: "NS", Value: "ns." + origin}}}
	for _, h := range hosts {
		name := qualify(h.Name, origin)
		if name == "smtp."+origin {
			z.Records = append(z.Records, Record{Name: "@", Type: "MX", Pref: 10, Value: name})
		}
		z.Records = append(z.Records, addrRecord(name, h.Addr, 0))
	}
	return z
}

// ReverseZones returns the in-addr.arpa zones (one per /24) holding a PTR
// record for every IPv4 host, served by ns.<domain>.
func ReverseZones(domain string, hosts []Host) []Zone {
	origin := mdns.CanonicalName(domain)
	var zones []Zone
	index := map[string]int{}
	for _, h := range hosts {
		if !h.Addr.Is4() {
			continue
		}
		zname := ReverseZoneName(h.Addr)
		i, ok := index[zname]
		if !ok {
			i = len(zones)
			index[zname] = i
			zones = append(zones, Zone{
				Origin: zname, MName: "ns." + origin, RName: "hostmaster." + origin,
				Records: []Record{{Name: "@", Type: "NS", Value: "ns." + origin}},
			})
		}
		zones[i].Records = append(zones[i].Records,
			Record{Name: ReverseName(h.Addr), Type: "PTR", Value: qualify(h.Name, origin)})
	}
	return zones
}

// ReverseName is the PTR owner name of addr, e.g. "5.0.0.10.in-addr.arpa.".
func ReverseName(addr netip.Addr) string {
	name, err := mdns.ReverseAddr(addr.String())
	if err != nil {
		return ""
	}
	return name
}

// ReverseZoneName is the in-addr.arpa zone of addr's /24 ("0.0.10.in-addr.arpa.").
func ReverseZoneName(addr netip.Addr) string {
	a := addr.As4()
	return fmt.Sprintf("%d.%d.%d.in-addr.arpa.", a[2], a[1], a[0])
}

func addrRecord(name string, a netip.Addr, ttl uint32) Record {
	t := "A"
	if !a.Unmap().Is4() {
		t = "AAAA"
	}
	return Record{Name: name, Type: t, TTL: ttl, Value: a.Unmap().String()}
}

// qualify makes name absolute and lowercase, relative to origin.
func qualify(name, origin string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "@" || name == "":
		return mdns.CanonicalName(origin)
	case strings.HasSuffix(name, "."):
		return mdns.CanonicalName(name)
	}
	c := mdns.CanonicalName(name)
	if origin == "." || mdns.IsSubDomain(origin, c) {
		return c
	}
	if origin == "" {
		return c
	}
	return mdns.CanonicalName(name + "." + origin)
}

// toRR turns a configured record into a wire record of zone origin.
func (r Record) toRR(origin string, defTTL uint32) (mdns.RR, error) {
	name := qualify(r.Name, origin)
	if _, ok := mdns.IsDomainName(name); !ok {
		return nil, fmt.Errorf("dns: bad record name %q", r.Name)
	}
	ttl := r.TTL
	if ttl == 0 {
		ttl = defTTL
	}
	typ := strings.ToUpper(strings.TrimSpace(r.Type))
	rrtype, ok := mdns.StringToType[typ]
	if !ok {
		return nil, fmt.Errorf("dns: %s: unknown record type %q", name, r.Type)
	}
	hdr := mdns.RR_Header{Name: name, Rrtype: rrtype, Class: mdns.ClassINET, Ttl: ttl}
	val := strings.TrimSpace(r.Value)
	host := func() (string, error) {
		h := qualify(val, origin)
		if _, ok := mdns.IsDomainName(h); !ok || val == "" {
			return "", fmt.Errorf("dns: %s %s: bad host name %q", name, typ, r.Value)
		}
		return h, nil
	}
	switch rrtype {
	case mdns.TypeA, mdns.TypeAAAA:
		a, err := netip.ParseAddr(val)
		if err != nil || (rrtype == mdns.TypeA) != a.Unmap().Is4() {
			return nil, fmt.Errorf("dns: %s %s: bad address %q", name, typ, r.Value)
		}
		if rrtype == mdns.TypeA {
			return &mdns.A{Hdr: hdr, A: a.Unmap().AsSlice()}, nil
		}
		return &mdns.AAAA{Hdr: hdr, AAAA: a.AsSlice()}, nil
	case mdns.TypeNS, mdns.TypeCNAME, mdns.TypePTR:
		h, err := host()
		if err != nil {
			return nil, err
		}
		switch rrtype {
		case mdns.TypeNS:
			return &mdns.NS{Hdr: hdr, Ns: h}, nil
		case mdns.TypeCNAME:
			return &mdns.CNAME{Hdr: hdr, Target: h}, nil
		}
		return &mdns.PTR{Hdr: hdr, Ptr: h}, nil
	case mdns.TypeMX:
		pref := r.Pref
		if f := strings.Fields(val); len(f) == 2 && pref == 0 {
			p, err := strconv.ParseUint(f[0], 10, 16)
			if err != nil {
				return nil, fmt.Errorf("dns: %s MX: bad preference %q", name, f[0])
			}
			pref, val = uint16(p), f[1]
		}
		h, err := host()
		if err != nil {
			return nil, err
		}
		return &mdns.MX{Hdr: hdr, Preference: pref, Mx: h}, nil
	case mdns.TypeTXT:
		var txt []string
		for len(val) > 255 {
			txt, val = append(txt, val[:255]), val[255:]
		}
		return &mdns.TXT{Hdr: hdr, Txt: append(txt, val)}, nil
	}
	rr, err := mdns.NewRR(fmt.Sprintf("%s %d IN %s %s", name, ttl, typ, val))
	if err != nil || rr == nil {
		return nil, fmt.Errorf("dns: %s %s: bad value %q: %v", name, typ, r.Value, err)
	}
	return rr, nil
}

// recordOf is the inverse of toRR, for listings.
func recordOf(rr mdns.RR) Record {
	h := rr.Header()
	r := Record{Name: h.Name, Type: mdns.TypeToString[h.Rrtype], TTL: h.Ttl}
	switch v := rr.(type) {
	case *mdns.A:
		r.Value = v.A.String()
	case *mdns.AAAA:
		r.Value = v.AAAA.String()
	case *mdns.NS:
		r.Value = v.Ns
	case *mdns.CNAME:
		r.Value = v.Target
	case *mdns.PTR:
		r.Value = v.Ptr
	case *mdns.MX:
		r.Value, r.Pref = v.Mx, v.Preference
	case *mdns.TXT:
		r.Value = strings.Join(v.Txt, "")
	default:
		r.Value = strings.TrimPrefix(rr.String(), h.String())
	}
	return r
}
