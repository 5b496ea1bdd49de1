package dns

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	mdns "github.com/miekg/dns"
)

// maxCNAMEChain bounds CNAME chasing, in the server and the resolver.
const maxCNAMEChain = 8

// Authoritative answers queries for its zones (RFC 1034 §4.3.2). It is safe
// for concurrent use; records can be added and removed while it serves.
type Authoritative struct {
	mu    sync.RWMutex
	zones map[string]*zoneData // by lowercase origin
}

var _ mdns.Handler = (*Authoritative)(nil)

// NewAuthoritative returns a server for zones.
func NewAuthoritative(zones ...Zone) (*Authoritative, error) {
	a := &Authoritative{zones: map[string]*zoneData{}}
	for _, z := range zones {
		if err := a.AddZone(z); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// AddZone starts serving z, replacing a zone with the same origin.
func (a *Authoritative) AddZone(z Zone) error {
	zd, err := newZoneData(z)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.zones == nil {
		a.zones = map[string]*zoneData{}
	}
	a.zones[zd.origin] = zd
	return nil
}

// Zones lists the origins served, sorted.
func (a *Authoritative) Zones() []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]string, 0, len(a.zones))
	for o := range a.zones {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return nameLess(out[i], out[j]) })
	return out
}

// Serves reports whether name falls in one of the zones served.
func (a *Authoritative) Serves(name string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.zoneFor(mdns.CanonicalName(name)) != nil
}

// zoneFor finds the closest enclosing zone of a canonical name.
func (a *Authoritative) zoneFor(name string) *zoneData {
	if a == nil {
		return nil
	}
	for off, end := 0, false; !end; off, end = mdns.NextLabel(name, off) {
		if z := a.zones[name[off:]]; z != nil {
			return z
		}
	}
	return a.zones["."]
}

// editZone resolves the zone a record edit applies to: the named one, or
// the closest one enclosing the record's (absolute) name.
func (a *Authoritative) editZone(zone string, r Record) (*zoneData, error) {
	if zone != "" {
		if z := a.zones[mdns.CanonicalName(zone)]; z != nil {
			return z, nil
		}
		return nil, fmt.Errorf("dns: zone %q is not served here", zone)
	}
	if z := a.zoneFor(qualify(r.Name, "")); z != nil {
		return z, nil
	}
	return nil, fmt.Errorf("dns: no zone here holds %q", r.Name)
}

// AddRecord adds r to zone (or, with zone "", to the zone enclosing r's
// absolute name) and bumps the zone's SOA serial, as a zone edit would.
func (a *Authoritative) AddRecord(zone string, r Record) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	z, err := a.editZone(zone, r)
	if err != nil {
		return err
	}
	rr, err := r.toRR(z.origin, z.defTTL)
	if err != nil {
		return err
	}
	if !mdns.IsSubDomain(z.origin, rr.Header().Name) {
		return fmt.Errorf("dns: %s is outside zone %s", rr.Header().Name, z.origin)
	}
	z.add(rr)
	if rr.Header().Rrtype != mdns.TypeSOA {
		z.bumpSerial()
	}
	return nil
}

// RemoveRecord removes the records of r's name and type: only the one with
// r's value when Value is set, else all of them. It returns how many went.
func (a *Authoritative) RemoveRecord(zone string, r Record) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	z, err := a.editZone(zone, r)
	if err != nil {
		return 0, err
	}
	t, ok := mdns.StringToType[strings.ToUpper(strings.TrimSpace(r.Type))]
	if !ok {
		return 0, fmt.Errorf("dns: unknown record type %q", r.Type)
	}
	if t == mdns.TypeSOA {
		return 0, fmt.Errorf("dns: the SOA of %s cannot be removed", z.origin)
	}
	name := qualify(r.Name, z.origin)
	var match mdns.RR
	if r.Value != "" {
		if match, err = r.toRR(z.origin, z.defTTL); err != nil {
			return 0, err
		}
	}
	n := z.remove(name, t, match)
	if n > 0 {
		z.bumpSerial()
	}
	return n, nil
}

func (z *zoneData) bumpSerial() {
	if s := z.soa(); s != nil {
		c := mdns.Copy(s).(*mdns.SOA) // answers in flight may hold the old one
		c.Serial++
		z.names[z.origin][mdns.TypeSOA] = []mdns.RR{c}
	}
}

// Records lists every record of every zone with absolute names, sorted by
// zone, name, type and value, for an inspector.
func (a *Authoritative) Records() []Record {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var out []Record
	for _, origin := range a.sortedOrigins() {
		for _, rr := range a.zones[origin].records() {
			out = append(out, recordOf(rr))
		}
	}
	return out
}

func (a *Authoritative) sortedOrigins() []string {
	out := make([]string, 0, len(a.zones))
	for o := range a.zones {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return nameLess(out[i], out[j]) })
	return out
}

// ServeDNS implements mdns.Handler.
func (a *Authoritative) ServeDNS(w mdns.ResponseWriter, req *mdns.Msg) {
	_ = w.WriteMsg(a.Answer(req))
}

// Answer builds the reply to req.
func (a *Authoritative) Answer(req *mdns.Msg) *mdns.Msg {
	m := new(mdns.Msg)
	if rc, ok := checkQuery(req); !ok {
		return errorReply(req, rc)
	}
	m.SetReply(req)
	q := req.Question[0]
	if q.Qtype == mdns.TypeAXFR || q.Qtype == mdns.TypeIXFR {
		m.Rcode = mdns.RcodeRefused // zone transfers are not offered
		return m
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	z := a.zoneFor(mdns.CanonicalName(q.Name))
	if z == nil {
		m.Rcode = mdns.RcodeRefused
		return m
	}
	m.Authoritative = true
	a.answerIn(m, z, mdns.CanonicalName(q.Name), q.Qtype, 0)
	a.addAdditional(m)
	return m
}

// checkQuery vets a request the way every handler here does: one
// question of class IN in a standard QUERY.
func checkQuery(req *mdns.Msg) (rcode int, ok bool) {
	switch {
	case req.Opcode != mdns.OpcodeQuery:
		return mdns.RcodeNotImplemented, false
	case req.Response || len(req.Question) != 1:
		return mdns.RcodeFormatError, false
	case req.Question[0].Qclass != mdns.ClassINET && req.Question[0].Qclass != mdns.ClassANY:
		return mdns.RcodeRefused, false
	}
	if opt := req.IsEdns0(); opt != nil && opt.Version() != 0 {
		return mdns.RcodeBadVers, false // RFC 6891 §6.1.3
	}
	return mdns.RcodeSuccess, true
}

// answerIn fills m for name/qtype from z, following the algorithm of
// RFC 1034 §4.3.2 (without wildcards).
func (a *Authoritative) answerIn(m *mdns.Msg, z *zoneData, name string, qtype uint16, depth int) {
	if cut, ns := z.cut(name); ns != nil && !(cut == name && qtype == mdns.TypeDS) {
		// A referral: the child's servers, and glue for those inside our zone.
		if len(m.Answer) == 0 {
			m.Authoritative = false
		}
		m.Ns = append(m.Ns, ns...)
		for _, rr := range ns {
			target := rr.(*mdns.NS).Ns
			if mdns.IsSubDomain(z.origin, target) {
				m.Extra = append(m.Extra, z.names[target][mdns.TypeA]...)
				m.Extra = append(m.Extra, z.names[target][mdns.TypeAAAA]...)
			}
		}
		return
	}
	node := z.names[name]
	if qtype == mdns.TypeANY && len(node) > 0 {
		var all []mdns.RR
		for _, set := range node {
			all = append(all, set...)
		}
		sortRRs(all)
		m.Answer = append(m.Answer, all...)
		return
	}
	if set := node[qtype]; len(set) > 0 {
		m.Answer = append(m.Answer, set...)
		return
	}
	if cn := node[mdns.TypeCNAME]; len(cn) > 0 {
		m.Answer = append(m.Answer, cn...)
		target := cn[0].(*mdns.CNAME).Target
		if next := a.zoneFor(target); next != nil && depth < maxCNAMEChain {
			a.answerIn(m, next, target, qtype, depth+1)
		}
		return
	}
	if len(node) == 0 && !z.nonTerminal(name) {
		m.Rcode = mdns.RcodeNameError
	}
	m.Ns = append(m.Ns, z.negativeSOA()...)
}

// addAdditional adds the addresses of MX and NS targets that we are
// authoritative for (RFC 1035 §3.3.9 "additional section processing").
func (a *Authoritative) addAdditional(m *mdns.Msg) {
	if len(m.Extra) > 0 {
		return
	}
	seen := map[string]bool{}
	for _, rr := range append(append([]mdns.RR{}, m.Answer...), m.Ns...) {
		var target string
		switch v := rr.(type) {
		case *mdns.MX:
			target = v.Mx
		case *mdns.NS:
			target = v.Ns
		default:
			continue
		}
		target = mdns.CanonicalName(target)
		if seen[target] {
			continue
		}
		seen[target] = true
		if z := a.zoneFor(target); z != nil {
			if cut, _ := z.cut(target); cut == "" {
				m.Extra = append(m.Extra, z.names[target][mdns.TypeA]...)
				m.Extra = append(m.Extra, z.names[target][mdns.TypeAAAA]...)
			}
		}
	}
}

// errorReply answers req with rcode alone. An extended rcode needs an OPT
// record to carry its upper bits.
func errorReply(req *mdns.Msg, rcode int) *mdns.Msg {
	m := new(mdns.Msg).SetRcode(req, rcode)
	if rcode > 0xf {
		m.SetEdns0(ednsSize, false)
	}
	return m
}
